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
import { loadCategoryData } from "../data/cifar.ts";
import { loadExperimentData } from "../data/horses.ts";
import { loadOrComputePalette } from "../data/palette.ts";
import { colourTrainData, segmentationTrainData } from "../data/train_data.ts";
import { variantInput } from "../finetune/fine_tune.ts";
import { segmentationScores } from "../finetune/metrics.ts";
import { pretrainInput } from "../finetune/pretrain.ts";
import {
  defaultWeizmannDir,
  loadSegmentationData,
} from "../finetune/segmentation_data.ts";
import { studySettings } from "../finetune/study.ts";
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
import { experimentSettings } from "../run/settings.ts";
import { predictLabels } from "../train/evaluate.ts";
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
 * layer, seed 0), as notebook 06's study trains them (trained now if not).
 */
async function partC(
  quick: boolean,
  data: string | undefined,
  opts: ObtainOptions,
): Promise<{ pretrained: LiveModelInput; segmenter: LiveModelInput }> {
  const settings = studySettings(quick, SEGMENTATION_SIZE);
  const pretrainData = data ?? (quick ? "synthetic" : undefined);
  const cacheDir = projectDataDir();
  const category = await loadCategoryData({ data: pretrainData, cacheDir });
  const body = pretrainInput(settings.pretrain);
  const config = resolveConfig(body);
  const palette = await loadOrComputePalette(category, {
    numColours: 24,
    seed: config.seed,
    cacheDir,
  });
  const seg = await loadSegmentationData({
    data: defaultWeizmannDir(),
    size: SEGMENTATION_SIZE,
  });
  const sources = { colour: { data: category, palette }, segmentation: seg };
  const pre = await trainOrLoad(body, sources, { onLine: opts.onLine });
  const input = variantInput("last-layer-pretrained", {
    body,
    size: SEGMENTATION_SIZE,
    seed: 0,
    config: settings.fineTune,
  })!;
  const segRun = await trainOrLoad(input, sources, { onLine: opts.onLine });
  const segmenter = (await loadRun(segRun.dir)).model;
  segRun.model.dispose();
  const test = seg.test;
  const predicted = await predictLabels(
    segmenter,
    segmentationTrainData(seg).valX,
    { count: test.count, height: test.size, width: test.size },
  );
  const scores = segmentationScores(predicted, test.masks, test.count);
  opts.onLine?.(`segmenter: ${segRun.dir}, test IoU ${scores.iou.toFixed(3)}`);
  const size = { height: SEGMENTATION_SIZE, width: SEGMENTATION_SIZE };
  const preAccuracy = pre.history.at(-1)?.valAccuracy ?? NaN;
  const blocks =
    `${config.numBlocks} dilated blocks of ${config.numFilters} filters`;
  return {
    pretrained: {
      model: pre.model,
      palette,
      inputSize: size,
      description:
        `Part C's pre-trained network (${blocks}), colourization of ` +
        `${category.source.description}: ${
          (100 * preAccuracy).toFixed(1)
        }% validation pixel accuracy`,
    },
    segmenter: {
      model: segmenter,
      inputSize: size,
      description: `Part C's segmenter: that body with its last layer ` +
        `fine-tuned (seed 0, ${segRun.config.numEpochs} epochs) on ${seg.source.description}: ` +
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
  const handout = (model: "cnn" | "unet") => {
    const input = handoutConfig(model);
    return settings.quick
      ? capForQuickMode(input).input as ColourizationInput
      : input;
  };
  const cnn = await colourizer(handout("cnn"), exp, opts);
  const unet = await colourizer(handout("unet"), exp, opts);
  const { pretrained, segmenter } = await partC(
    settings.quick,
    settings.data,
    opts,
  );
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
