/**
 * The models the report's live page carries, obtained as the notebooks
 * obtain them, with the notebooks' settings (COLOURLAB_QUICK, COLOURLAB_DATA,
 * COLOURLAB_WEIZMANN): the CNN at lr 0.001 and the UNet of notebooks 01-04,
 * Part C's pre-trained network and, fine-tuned from it, the horse segmenter.
 *
 * They are the run folders of the run cache (lib/run/): the handout's CNN
 * at lr 0.001 and UNet (capped as quick mode caps the notebooks' runs),
 * Part C's pre-training run, and its seed-0 "last-layer-pretrained"
 * segmentation run, which notebook 06 trains.
 *
 * @module
 */
import { analysisBatch } from "../analysis/scale_shift_sweep.ts";
import { type ExperimentData, loadExperimentData } from "../data/horses.ts";
import { colourTrainData, segmentationTrainData } from "../data/train_data.ts";
import { EXPERIMENT, variantInput } from "../finetune/experiment.ts";
import { segmentationScores } from "../finetune/metrics.ts";
import { loadHorsePhotos } from "../finetune/segmentation_data.ts";
import { forMode } from "../finetune/settings.ts";
import { projectDataDir } from "../io/data_dir.ts";
import {
  type ColourizationInput,
  resolveConfig,
  runLabel,
} from "../run/config.ts";
import { handoutConfig } from "../run/find.ts";
import { loadRun } from "../run/load.ts";
import { isCurrent, planRun, trainOrLoad } from "../run/run.ts";
import { capForQuickMode, QUICK_CAPS } from "../run/run_all.ts";
import {
  type ExperimentSettings,
  experimentSettings,
} from "../run/settings.ts";
import { predictLabels } from "../train/evaluate.ts";
import type { LiveExportInput, LiveModelInput } from "./live_export.ts";

/** Validation images in the A.4 panel (one batch: small, so updates are fast). */
export const LIVE_A4_IMAGES = 8;

/** Options of {@link obtainLiveModels}. */
export interface ObtainOptions {
  /** Train a colourization run that is not cached (default: leave it out). */
  train?: boolean;
  /** Progress lines. */
  onLine?: (line: string) => void;
}

/** A colourization run's model and its line for the page, if there is one. */
async function colourizer(
  input: ColourizationInput,
  exp: Awaited<ReturnType<typeof loadExperimentData>>,
  opts: ObtainOptions,
): Promise<LiveModelInput | undefined> {
  const label = runLabel(resolveConfig(input));
  const sources = { colour: exp };
  const plan = await planRun(input, sources, { cacheDir: projectDataDir() });
  if (!opts.train && !(await isCurrent(plan))) {
    opts.onLine?.(
      `${label}: not in the run cache, left out (--train trains it)`,
    );
    return undefined;
  }
  const run = await trainOrLoad(input, sources, { onLine: opts.onLine });
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
 * Part C: the pre-training run and the segmenter fine-tuned from it (last
 * layer, pre-trained body, the first seed), as notebook 06 trains them
 * (trained now if not).
 */
async function partC(
  settings: ExperimentSettings,
  horses: ExperimentData,
  opts: ObtainOptions,
): Promise<{ pretrained: LiveModelInput; segmenter: LiveModelInput }> {
  const { experiment: e } = forMode(EXPERIMENT, settings);
  const photos = await loadHorsePhotos(settings, e.size);
  const sources = { colour: horses, segmentation: photos };
  const pre = await trainOrLoad(e.pretrain, sources, { onLine: opts.onLine });
  const variant = e.variants.find((v) =>
    v.body === "pre-trained" && v.train === "head"
  );
  if (!variant) {
    throw new Error(
      "Part C's experiment has no last-layer variant on the pre-trained body",
    );
  }
  const input = variantInput(variant, {
    pretrain: e.pretrain,
    size: e.size,
    batchSize: e.batchSize,
    seed: e.seeds[0],
  });
  const segRun = await trainOrLoad(input, sources, { onLine: opts.onLine });
  const segmenter = (await loadRun(segRun.dir)).model;
  segRun.model.dispose();
  const test = photos.test;
  const predicted = await predictLabels(
    segmenter,
    segmentationTrainData(photos).valX,
    { count: test.count, height: test.size, width: test.size },
  );
  const scores = segmentationScores(predicted, test.masks, test.count);
  opts.onLine?.(`segmenter: ${segRun.dir}, test IoU ${scores.iou.toFixed(3)}`);
  const size = { height: e.size, width: e.size };
  const preAccuracy = pre.history.at(-1)?.valAccuracy ?? NaN;
  const config = resolveConfig(e.pretrain);
  const blocks =
    `${config.numBlocks} dilated blocks of ${config.numFilters} filters`;
  return {
    pretrained: {
      model: pre.model,
      palette: horses.palette,
      inputSize: size,
      description:
        `Part C's pre-trained network (${blocks}), colourization of ` +
        `${horses.data.source.description}: ${
          (100 * preAccuracy).toFixed(1)
        }% validation pixel accuracy`,
    },
    segmenter: {
      model: segmenter,
      inputSize: size,
      description: `Part C's segmenter: that body with its last layer ` +
        `fine-tuned (seed ${e.seeds[0]}, ${segRun.config.numEpochs} epochs) ` +
        `on ${photos.source.description}: test IoU ${scores.iou.toFixed(3)}`,
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
  const handout = (model: "cnn" | "unet") => {
    const input = handoutConfig(model);
    return settings.quick
      ? capForQuickMode(input).input as ColourizationInput
      : input;
  };
  const cnn = await colourizer(handout("cnn"), exp, opts);
  const unet = await colourizer(handout("unet"), exp, opts);
  const { pretrained, segmenter } = await partC(settings, exp, opts);
  const td = colourTrainData(
    exp.data,
    exp.palette,
    settings.quick ? QUICK_CAPS : {},
  );
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
        ? `QUICK mode: ${QUICK_CAPS.limitTrain} training images, ${QUICK_CAPS.numEpochs} epochs per run (not the full results)`
        : "full mode: the handout's 25 epochs per run",
      `data: ${exp.data.source.description}`,
      `palette: ${exp.palette.description}`,
    ],
  };
}
