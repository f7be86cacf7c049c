/**
 * The models the report's live page carries, obtained as the notebooks
 * obtain them, with the notebooks' settings (COLOURLAB_QUICK, COLOURLAB_DATA,
 * COLOURLAB_WEIZMANN): the CNN at lr 0.001 and the UNet of notebooks 01-04,
 * Part C's pre-trained network and, fine-tuned from it, the horse segmenter.
 *
 * BRIDGE: this is the one place that knows where trained models live. It
 * reads today's run cache (`trainOrLoad` / `isCached` with `handoutSpec`)
 * and Part C's cached pre-trained network, and fine-tunes the segmenter's
 * last layer again (seed 0, Part C's settings: notebook 06's seed-0
 * "last-layer-pretrained" run; the study keeps no fine-tuned weights).
 * Re-point it at the run-folder loader when that lands.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { analysisBatch } from "../analysis/scale_shift.ts";
import { loadCategoryData } from "../data/cifar.ts";
import { loadOrComputePalette } from "../data/palette.ts";
import { handoutSpec, specLabel } from "../experiments/definitions.ts";
import {
  loadExperimentData,
  trainData,
} from "../experiments/experiment_data.ts";
import {
  type ExperimentSpec,
  isCached,
  trainOrLoad,
} from "../experiments/run_cache.ts";
import { experimentSettings, projectDataDir } from "../experiments/settings.ts";
import { replaceHead } from "../finetune/deeplab.ts";
import {
  FINE_TUNE_DEFAULTS,
  fineTuneLastLayer,
  segmentationDataset,
} from "../finetune/fine_tune.ts";
import { segmentationScores } from "../finetune/metrics.ts";
import { predictPixels } from "../finetune/pixel_training.ts";
import { loadOrPretrain } from "../finetune/pretrain.ts";
import {
  defaultWeizmannDir,
  loadSegmentationData,
} from "../finetune/segmentation_data.ts";
import { studySettings } from "../finetune/study.ts";
import type { LiveExportInput, LiveModelInput } from "./live_export.ts";

/** Validation images in the A.4 panel (one batch: small, so updates are fast). */
export const LIVE_A4_IMAGES = 8;
/** Part C's input size S (the study's default). */
export const SEGMENTATION_SIZE = 64;

/** Options of {@link obtainLiveModels}. */
export interface ObtainOptions {
  /** Train a colourization run that is not cached (default: leave it out). */
  train?: boolean;
  /** Progress lines. */
  onLine?: (line: string) => void;
}

/** A colourization run's model and its line for the page, if there is one. */
async function colourizer(
  spec: ExperimentSpec,
  exp: Awaited<ReturnType<typeof loadExperimentData>>,
  opts: ObtainOptions,
): Promise<LiveModelInput | undefined> {
  const label = specLabel(spec);
  if (!opts.train && !(await isCached(spec, exp))) {
    opts.onLine?.(
      `${label}: not in the run cache, left out (--train trains it)`,
    );
    return undefined;
  }
  const run = await trainOrLoad(spec, exp);
  const last = run.history[run.history.length - 1];
  opts.onLine?.(
    `${label}: ${run.cached ? "from the run cache" : "trained now"}`,
  );
  return {
    model: run.model,
    palette: exp.palette,
    description: `${label}, ${run.history.length} epochs: ` +
      `${(100 * last.valAccuracy).toFixed(1)}% validation pixel accuracy, ` +
      `loss ${last.valLoss.toFixed(3)}`,
  };
}

/**
 * Part C: the pre-trained network (cached by the study, else pre-trained
 * now) and the segmenter fine-tuned from it (last layer, seed 0).
 */
async function partC(
  quick: boolean,
  data: string | undefined,
  opts: ObtainOptions,
): Promise<{ pretrained: LiveModelInput; segmenter: LiveModelInput }> {
  const settings = studySettings(quick, SEGMENTATION_SIZE);
  const pretrainData = data ?? (quick ? "synthetic" : undefined);
  const cacheDir = projectDataDir();
  const pre = await loadOrPretrain({
    data: pretrainData,
    config: settings.pretrain,
    cacheDir,
  });
  opts.onLine?.(
    `pre-trained network: ${pre.dir} (${
      pre.cached ? "cached" : "trained now"
    })`,
  );
  const category = await loadCategoryData({ data: pretrainData, cacheDir });
  const palette = await loadOrComputePalette(category, {
    numColours: pre.config.numColours,
    seed: pre.config.seed,
    cacheDir,
  });
  const seg = await loadSegmentationData({
    data: defaultWeizmannDir(),
    size: SEGMENTATION_SIZE,
  });
  const segmenter = replaceHead(pre.model, { numClasses: 2, seed: 0 });
  const cfg = { ...FINE_TUNE_DEFAULTS, ...settings.fineTune };
  await fineTuneLastLayer(segmenter, segmentationDataset(seg.train), cfg, 0);
  const test = segmentationDataset(seg.test);
  const predicted = await predictPixels(
    (xs) => segmenter.predict(xs) as tf.Tensor,
    test,
  );
  const scores = segmentationScores(predicted, seg.test.masks, test.count);
  opts.onLine?.(`segmenter fine-tuned: test IoU ${scores.iou.toFixed(3)}`);
  const size = { height: SEGMENTATION_SIZE, width: SEGMENTATION_SIZE };
  const body =
    `${pre.config.numBlocks} dilated blocks of ${pre.config.numFilters} filters`;
  return {
    pretrained: {
      model: pre.model,
      palette,
      inputSize: size,
      description: `Part C's pre-trained network (${body}), colourization of ` +
        `${pre.source.description}: ${
          (100 * pre.valAccuracy).toFixed(1)
        }% validation pixel accuracy`,
    },
    segmenter: {
      model: segmenter,
      inputSize: size,
      description: `Part C's segmenter: that body with its last layer ` +
        `fine-tuned (seed 0, ${cfg.headEpochs} epochs) on ${seg.source.description}: ` +
        `test IoU ${scores.iou.toFixed(3)}`,
    },
  };
}

/**
 * Everything the live page needs (see the module doc): the models, the
 * first {@link LIVE_A4_IMAGES} validation images, and facts for the page.
 */
export async function obtainLiveModels(
  opts: ObtainOptions = {},
): Promise<LiveExportInput> {
  const settings = experimentSettings();
  const exp = await loadExperimentData(settings);
  const cnn = await colourizer(handoutSpec("cnn", settings), exp, opts);
  const unet = await colourizer(handoutSpec("unet", settings), exp, opts);
  const { pretrained, segmenter } = await partC(
    settings.quick,
    settings.data,
    opts,
  );
  const td = trainData(exp, settings);
  const batch = analysisBatch(td, LIVE_A4_IMAGES);
  const per = batch.height * batch.width * 3;
  return {
    models: { cnn, unet, segmenter, pretrained },
    validation: {
      grey: batch.grey,
      labels: batch.labels,
      images: exp.data.val.images.subarray(0, batch.count * per),
      count: batch.count,
      height: batch.height,
      width: batch.width,
    },
    facts: [
      settings.quick
        ? `QUICK mode: ${settings.limitTrain} training images, ${settings.numEpochs} epochs per run (not the full results)`
        : `full mode: ${settings.numEpochs} epochs per run`,
      `data: ${exp.data.source.description}`,
      `palette: ${exp.palette.description}`,
    ],
  };
}
