/**
 * The runs the notebooks train, in one place: the handout's settings with the
 * notebook's limits, so that two notebooks asking for the same run share one
 * cache entry.
 *
 * @see notebooks/04_skip_connections.ipynb
 * @module
 */
import { DEFAULTS } from "../config.ts";
import type { ColourizationInput, ColourModel } from "../run/config.ts";

type ExperimentSpec = ColourizationInput;
type ModelKind = ColourModel;
import type { ExperimentSettings } from "./settings.ts";

/**
 * A handout run of `model` under the settings (epochs, limits, seed), batch
 * size 100 and lr 0.001 unless overridden.
 * @see notebooks/01_colourization.ipynb
 */
export function handoutSpec(
  model: ModelKind,
  settings: Pick<
    ExperimentSettings,
    "numEpochs" | "limitTrain" | "limitVal" | "seed"
  >,
  overrides: Partial<ExperimentSpec> = {},
): ExperimentSpec {
  return {
    model,
    learningRate: DEFAULTS.learningRate,
    batchSize: DEFAULTS.batchSize,
    numEpochs: settings.numEpochs,
    seed: settings.seed,
    limitTrain: settings.limitTrain,
    limitVal: settings.limitVal,
    ...overrides,
  };
}

/** The handout CNN's original learning rate (with Adam). */
export const CNN_HANDOUT_LR = 0.3;

/**
 * Notebook 01's runs: the CNN at the handout's lr 0.3 and at 0.001.
 * @see notebooks/01_colourization.ipynb
 */
export function colourizationSpecs(
  settings: ExperimentSettings,
): ExperimentSpec[] {
  return [CNN_HANDOUT_LR, 0.001].map((learningRate) =>
    handoutSpec("cnn", settings, { learningRate })
  );
}

/**
 * Notebook 03's runs: the CNN and the UNet (lr 0.001, batch 100).
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function scaleShiftSpecs(
  settings: ExperimentSettings,
): ExperimentSpec[] {
  return [handoutSpec("cnn", settings), handoutSpec("unet", settings)];
}

/**
 * Notebook 04's runs: CNN, UNet and the UNet without the input skip.
 * @see notebooks/04_skip_connections.ipynb
 */
export function skipConnectionSpecs(
  settings: ExperimentSettings,
): ExperimentSpec[] {
  return (["cnn", "unet", "unet_no_input_skip"] as const).map((model) =>
    handoutSpec(model, settings)
  );
}

/**
 * Every run notebooks 01-05 need, each once, in the order they need them:
 * what lib/experiments/train_all.ts trains ahead of a report.
 * @see notebooks/05_batch_size.ipynb
 */
export function notebookSpecs(settings: ExperimentSettings): ExperimentSpec[] {
  const all = [
    ...colourizationSpecs(settings),
    ...scaleShiftSpecs(settings),
    ...skipConnectionSpecs(settings),
    ...batchSizeSpecs(settings),
  ];
  const seen = new Set<string>();
  return all.filter((s) => {
    const key = JSON.stringify(s);
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}

/**
 * Every (batch size, seed) run of the batch-size sweep: each batch size with
 * the main seed, and the spread batch sizes with the extra seeds too.
 * @see notebooks/05_batch_size.ipynb
 */
export function batchSizeSpecs(settings: ExperimentSettings): ExperimentSpec[] {
  const specs: ExperimentSpec[] = [];
  for (const batchSize of settings.batchSizes) {
    const seeds = settings.spreadBatchSizes.includes(batchSize)
      ? [...settings.seeds, ...settings.spreadSeeds]
      : settings.seeds;
    for (const seed of seeds) {
      specs.push(handoutSpec("unet", { ...settings, seed }, { batchSize }));
    }
  }
  return specs;
}

/** A short label of a run for legends, e.g. "UNet bs 50 seed 1". */
export function specLabel(spec: ExperimentSpec): string {
  const name = {
    cnn: "CNN",
    unet: "UNet",
    unet_no_input_skip: "UNet without input skip",
    deeplab: "DeepLab",
  }[spec.model];
  return `${name} lr ${spec.learningRate} bs ${spec.batchSize} seed ${spec.seed}`;
}

/**
 * The published and reference figures each headline is compared with
 * (BRIEF.md; the project's acceptance bands; PyTorch on the shared archive with
 * its 102 validation horses).
 * @see notebooks/01_colourization.ipynb
 */
export const REFERENCES = {
  cnnLr03:
    "PyTorch on this archive 27.9%, loss 2.04; published 31-33%, 1.88-1.94; " +
    "accepted band 22-34%",
  cnnLr0001:
    "PyTorch on this archive 41.0%, loss 1.61; accepted band 38-44%, loss <= 1.70",
  unet:
    "PyTorch on this archive 48.0%, loss 1.37; published 49.5-51.7%, 1.28-1.35; " +
    "accepted >= 46%, loss <= 1.45",
  batchSize:
    "PyTorch on this archive: batch 50 1.35, 100 1.37, 200 1.43; published " +
    "(1,000 horses) batch 5 / 50 / 100 / 200 / 500: 1.23 / 1.38 / 1.32 / 1.41 / 1.52",
} as const;

/**
 * A run's final numbers for the report's headline table, e.g.
 * "41.2% accuracy, loss 1.612 after 25 epochs (trained now)".
 * @see notebooks/01_colourization.ipynb
 */
export function runAnswer(run: {
  history: { valLoss: number; valAccuracy: number }[];
  cached: boolean;
}): string {
  const last = run.history[run.history.length - 1];
  if (!last) return "no epochs run";
  return `${(100 * last.valAccuracy).toFixed(1)}% accuracy, loss ${
    last.valLoss.toFixed(3)
  } ` +
    `after ${run.history.length} epochs (${
      run.cached ? "read from cache" : "trained now"
    })`;
}
