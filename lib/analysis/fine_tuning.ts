/**
 * Part C, fine-tuning measured on the runs in front of the reader: each
 * variant's test scores over its seeds (foreground IoU and the original
 * assignment's thresholded score), the constant answers "all horse" and
 * "all background", what the pre-training learned (its colourization
 * accuracy beside the grey-level lookup's); then the answer and the findings
 * written from those numbers, the wording chosen by the direction of each
 * comparison.
 *
 * @see notebooks/06_fine_tuning.ipynb
 * @module
 */
import type { ExperimentData } from "../data/horses.ts";
import { colourTrainData, segmentationTrainData } from "../data/train_data.ts";
import type { SegmentationData } from "../data/weizmann.ts";
import { variantName, variantOf } from "../finetune/experiment.ts";
import {
  type SeedSummary,
  segmentationScores,
  summariseSeeds,
} from "../finetune/metrics.ts";
import type { Run } from "../run/load.ts";
import { predictLabels } from "../train/evaluate.ts";
import { greyLookup } from "./lookup.ts";

/** One variant's test scores (a trained variant over its seeds, or a constant answer). */
export interface VariantScores {
  name: string;
  /** null for the constant answers. */
  body: "pre-trained" | "random" | null;
  train: "head" | "all" | null;
  numEpochs: number | null;
  perSeed: { seed: number; iou: number; thresholded: number }[];
  /** Foreground IoU per test image, averaged over the images. */
  iou: SeedSummary;
  /** The original's score per image (0 at IoU <= 0.5), averaged. */
  thresholded: SeedSummary;
  /** Foreground IoU of each test image, first seed. */
  perImage: number[];
}

/** Everything the answer and the findings of Part C are written from. */
export interface FineTuningStudy {
  pretrain: {
    numEpochs: number;
    trainImages: number;
    valAccuracy: number;
    /** The grey-level lookup's accuracy on the same validation pixels. */
    lookupAccuracy: number;
    synthetic: boolean;
  };
  photos: {
    synthetic: boolean;
    size: number;
    trainImages: number;
    testImages: number;
    /** Mean share of each test image that is horse. */
    horseShare: number;
  };
  /** The trained variants, in the experiment's order. */
  variants: VariantScores[];
  allHorse: VariantScores;
  allBackground: VariantScores;
  /** Seed count of the trained variants (the smallest). */
  seeds: number;
  /** First seed's predicted masks per variant name, [testImages, S, S] 0/1. */
  masks: Record<string, Uint8Array>;
}

function constant(
  name: string,
  value: 0 | 1,
  photos: SegmentationData,
): { scores: VariantScores; mask: Uint8Array } {
  const test = photos.test;
  const mask = new Uint8Array(test.masks.length).fill(value);
  const s = segmentationScores(mask, test.masks, test.count);
  const one = (v: number) => ({ mean: v, min: v, max: v });
  return {
    scores: {
      name,
      body: null,
      train: null,
      numEpochs: null,
      perSeed: [{ seed: 0, iou: s.iou, thresholded: s.thresholdedIou }],
      iou: one(s.iou),
      thresholded: one(s.thresholdedIou),
      perImage: s.perImage,
    },
    mask,
  };
}

/**
 * Measures the study: `runs` are the pre-training run and the segmentation
 * runs of the experiment (lib/finetune/experiment.ts runInputs), `horses`
 * the pre-training data, `photos` the segmentation data.
 */
export async function fineTuningStudy(
  runs: Run[],
  sources: { horses: ExperimentData; photos: SegmentationData },
): Promise<FineTuningStudy> {
  const { horses, photos } = sources;
  const pre = runs.find((r) => r.config.task === "colourization");
  if (!pre || pre.config.task !== "colourization") {
    throw new Error("fineTuningStudy: no pre-training run among the runs");
  }
  const td = colourTrainData(horses.data, horses.palette, pre.config);
  const test = photos.test;
  const grey = segmentationTrainData(photos).valX;
  const masks: Record<string, Uint8Array> = {};
  const variants: VariantScores[] = [];
  for (const run of runs) {
    const c = run.config;
    if (c.task !== "segmentation") continue;
    // variants differing only in their settings keep apart
    const base = variantName(variantOf(c));
    const clash = variants.find((v) =>
      v.name === base && v.numEpochs !== c.numEpochs
    );
    const name = clash ? `${base} (${c.numEpochs} epochs)` : base;
    const pred = await predictLabels(run.model, grey, {
      count: test.count,
      height: test.size,
      width: test.size,
    });
    const s = segmentationScores(pred, test.masks, test.count);
    let v = variants.find((x) => x.name === name);
    if (!v) {
      v = {
        name,
        ...variantOf(c),
        numEpochs: c.numEpochs,
        perSeed: [],
        iou: { mean: 0, min: 0, max: 0 },
        thresholded: { mean: 0, min: 0, max: 0 },
        perImage: s.perImage,
      };
      variants.push(v);
      masks[name] = pred;
    }
    v.perSeed.push({ seed: c.seed, iou: s.iou, thresholded: s.thresholdedIou });
  }
  for (const v of variants) {
    v.iou = summariseSeeds(v.perSeed.map((p) => p.iou));
    v.thresholded = summariseSeeds(v.perSeed.map((p) => p.thresholded));
  }
  // the reading order: last layer before whole network, pre-trained body first
  const rank = (v: VariantScores) =>
    (v.train === "head" ? 0 : 2) + (v.body === "pre-trained" ? 0 : 1);
  variants.sort((a, b) => rank(a) - rank(b));
  const horse = constant("all horse", 1, photos);
  const background = constant("all background", 0, photos);
  masks[horse.scores.name] = horse.mask;
  const pixels = test.size * test.size;
  const final = pre.history.at(-1)!;
  return {
    pretrain: {
      numEpochs: pre.config.numEpochs,
      trainImages: td.trainY.length / (td.height * td.width),
      valAccuracy: final.valAccuracy,
      lookupAccuracy: greyLookup(td).accuracy,
      synthetic: horses.data.source.synthetic,
    },
    photos: {
      synthetic: photos.source.synthetic,
      size: test.size,
      trainImages: photos.train.count,
      testImages: test.count,
      horseShare: test.masks.reduce((a, b) => a + b, 0) /
        (test.count * pixels),
    },
    variants,
    allHorse: horse.scores,
    allBackground: background.scores,
    seeds: Math.min(...variants.map((v) => v.perSeed.length)),
    masks,
  };
}
