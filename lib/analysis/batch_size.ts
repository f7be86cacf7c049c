/**
 * Part B.4, "retrain with several batch sizes at a fixed number of epochs":
 * the sweep as the notebook states it, the runs it makes, and the study
 * measured on them: per batch size the final losses over its seeds, the
 * curves, when the validation loss was lowest, seconds per epoch, the
 * validation loss at a fixed number of optimizer updates (the contrast with
 * a fixed number of epochs), and how grey each batch size's pictures are.
 * The answer and findings: lib/analysis/batch_size_findings.ts.
 *
 * @see notebooks/05_batch_size.ipynb
 * @module
 */
import type { ExperimentData } from "../data/horses.ts";
import { colourTrainData } from "../data/train_data.ts";
import type { ColourizationInput, ColourModel } from "../run/config.ts";
import type { Run } from "../run/load.ts";
import { predictLabels } from "../train/evaluate.ts";
import type { EpochRecord } from "../train/types.ts";
import { nearGreyColours, nearGreyShare } from "./label_maps.ts";
import { type SeedGroup, seedGroup, type Spread, spread } from "./seeds.ts";

/** The experiment of notebook 05: one model and rate, several batch sizes, each with its seeds. */
export interface BatchSizeSweep {
  model: ColourModel;
  learningRate: number;
  numEpochs: number;
  batchSizes: { batchSize: number; seeds: number[] }[];
}

/** The runs of a sweep, batch size by batch size, seed by seed. */
export function batchSizeRuns(sweep: BatchSizeSweep): ColourizationInput[] {
  return sweep.batchSizes.flatMap(({ batchSize, seeds }) =>
    seeds.map((seed) => ({
      model: sweep.model,
      learningRate: sweep.learningRate,
      numEpochs: sweep.numEpochs,
      batchSize,
      seed,
    }))
  );
}

/** Optimizer updates per epoch (the last, partial batch counts). */
export function updatesPerEpoch(
  trainImages: number,
  batchSize: number,
): number {
  return Math.ceil(trainImages / batchSize);
}

/** Validation loss after each epoch against the updates made so far. */
export function lossByUpdates(
  history: { valLoss: number }[],
  perEpoch: number,
): { x: number; y: number }[] {
  return history.map((e, i) => ({ x: (i + 1) * perEpoch, y: e.valLoss }));
}

/**
 * Validation loss after exactly `updates` optimizer steps, interpolated
 * linearly between epochs (NaN when the run made fewer updates, or when one
 * epoch is already more).
 */
export function valLossAtUpdates(
  history: EpochRecord[],
  perEpoch: number,
  updates: number,
): number {
  const points = lossByUpdates(history, perEpoch);
  if (points.length === 0 || updates < points[0].x) return NaN;
  for (let i = 0; i < points.length; i++) {
    if (points[i].x === updates) return points[i].y;
    if (points[i].x > updates) {
      const a = points[i - 1], b = points[i];
      return a.y + (b.y - a.y) * (updates - a.x) / (b.x - a.x);
    }
  }
  return NaN;
}

/** One batch size of the study, over its seeds. */
export interface BatchSizeGroup extends SeedGroup {
  batchSize: number;
  updatesPerEpoch: number;
  /** The epoch where the mean validation curve is lowest, and its value. */
  bestEpoch: number;
  bestValLoss: number;
  /** Validation loss after {@link BatchSizeStudy.commonUpdates} updates (n 0 where one epoch is more). */
  atCommonUpdates: Spread;
  /** The first seed's run (index in the runs) and the share of its predicted pixels that are near-grey. */
  firstSeed: { seed: number; run: number; predictedNearGrey: number };
}

/** Everything the findings of notebook 05 are written from. */
export interface BatchSizeStudy {
  model: ColourModel;
  learningRate: number;
  numEpochs: number;
  trainImages: number;
  valImages: number;
  synthetic: boolean;
  /** Sorted by batch size. */
  groups: BatchSizeGroup[];
  /** All the updates the largest batch makes in its epochs. */
  commonUpdates: number;
  /** Share of the true validation pixels whose colour is near-grey. */
  trueNearGrey: number;
  /** The chroma at or below which a palette colour counts as near-grey. */
  nearGreyChroma: number;
}

/** Measures the study of a sweep's `runs` on `horses`. */
export async function batchSizeStudy(
  runs: Run[],
  horses: ExperimentData,
): Promise<BatchSizeStudy> {
  const colour = runs.flatMap((r, i) =>
    r.config.task === "colourization" ? [{ ...r, config: r.config, i }] : []
  );
  if (colour.length === 0) throw new Error("colourization runs only");
  const first = colour[0].config;
  const td = colourTrainData(horses.data, horses.palette, first);
  const pixels = td.height * td.width;
  const trainImages = td.trainY.length / pixels;
  const shape = {
    count: td.valY.length / pixels,
    height: td.height,
    width: td.width,
  };
  const { nearGrey, chromaThreshold } = nearGreyColours(horses.palette);
  const sizes = [...new Set(colour.map((r) => r.config.batchSize))].sort((
    a,
    b,
  ) => a - b);
  const members = sizes.map((b) =>
    colour.filter((r) => r.config.batchSize === b)
  );
  const commonUpdates = Math.min(
    ...members.map((m) =>
      updatesPerEpoch(trainImages, m[0].config.batchSize) *
      Math.min(...m.map((r) => r.history.length))
    ),
  );
  const groups: BatchSizeGroup[] = [];
  for (const [k, m] of members.entries()) {
    const batchSize = sizes[k];
    const per = updatesPerEpoch(trainImages, batchSize);
    const group = seedGroup(
      `batch ${batchSize}`,
      m.map((r) => ({ seed: r.config.seed, history: r.history })),
    );
    const best = group.valCurve.reduce((a, p) => p.mean < a.mean ? p : a);
    const predictions = await predictLabels(m[0].model, td.valX, shape);
    groups.push({
      ...group,
      batchSize,
      updatesPerEpoch: per,
      bestEpoch: best.epoch,
      bestValLoss: best.mean,
      atCommonUpdates: spread(
        m.map((r) => valLossAtUpdates(r.history, per, commonUpdates))
          .filter((v) => !Number.isNaN(v)),
      ),
      firstSeed: {
        seed: m[0].config.seed,
        run: m[0].i,
        predictedNearGrey: nearGreyShare(predictions, nearGrey),
      },
    });
  }
  return {
    model: first.model,
    learningRate: first.learningRate,
    numEpochs: Math.min(...colour.map((r) => r.history.length)),
    trainImages,
    valImages: shape.count,
    synthetic: horses.data.source.synthetic,
    groups,
    commonUpdates,
    trueNearGrey: nearGreyShare(td.valY, nearGrey),
    nearGreyChroma: chromaThreshold,
  };
}
