/**
 * What the notebooks run: quick (CI) or full (the handout's settings), read
 * from the environment the report runner sets, and the one line every
 * notebook shows at the top.
 *
 * - `COLOURLAB_QUICK=1`: quick mode (at most 1,000 training images and 3
 *   epochs per run; here 500 images, 2 epochs, few runs).
 * - `COLOURLAB_DATA=path|synthetic`: the data set (else the loader's search).
 * - `COLOURLAB_SEEDS=0,1,2` and `COLOURLAB_BATCH_SIZES=10,25,...`: override
 *   the batch-size sweep (notebook 05): the first seed runs every batch size,
 *   the others batch sizes 50, 100 and 200 (full mode; quick: 100) to show
 *   the spread. Full mode runs one seed unless told otherwise.
 *
 * @see notebooks/05_batch_size.ipynb
 * @module
 */
import type { BackendInfo } from "../backend.ts";
import { describeBackend } from "../backend.ts";
import { DEFAULTS } from "../config.ts";
import type { CategoryData } from "../data/types.ts";
export { projectDataDir } from "../io/data_dir.ts";

/** The knobs every notebook reads. */
export interface ExperimentSettings {
  /** Quick mode (CI): tiny runs. */
  quick: boolean;
  /** Data path or "synthetic"; undefined = the loader's own search (cache, download). */
  data?: string;
  /** Training images per run (undefined = all). */
  limitTrain?: number;
  /** Validation images per run (undefined = all). */
  limitVal?: number;
  /** Epochs of every run. */
  numEpochs: number;
  /** Batch sizes of the sweep (notebook 05). */
  batchSizes: number[];
  /** Seeds of every batch size in the sweep. */
  seeds: number[];
  /** Extra seeds run for {@link spreadBatchSizes} only, to show the spread. */
  spreadSeeds: number[];
  /** Batch sizes that get {@link spreadSeeds}. */
  spreadBatchSizes: number[];
  /** Validation images fed through the scale/shift analysis (one batch). */
  analysisImages: number;
  /** The run seed of everything else (init, shuffle, palette). */
  seed: number;
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env
  }
}

function numberList(name: string, fallback: number[]): number[] {
  const raw = env(name);
  if (raw === undefined || raw.trim() === "") return fallback;
  const list = raw.split(",").map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new Error(
      `${name}="${raw}" is not a comma-separated list of integers`,
    );
  }
  return list;
}

/**
 * Settings for this notebook run, from COLOURLAB_QUICK, COLOURLAB_DATA,
 * COLOURLAB_SEEDS and COLOURLAB_BATCH_SIZES.
 * @see notebooks/01_colourization.ipynb
 */
export function experimentSettings(): ExperimentSettings {
  const quick = env("COLOURLAB_QUICK") === "1";
  const data = env("COLOURLAB_DATA") || undefined;
  const base = quick
    ? {
      limitTrain: 500,
      limitVal: 200,
      numEpochs: 2,
      batchSizes: [10, 25, 50, 100, 500],
      seeds: [0],
      spreadSeeds: [1],
      spreadBatchSizes: [100],
      analysisImages: 50,
    }
    : {
      limitTrain: undefined,
      limitVal: undefined,
      numEpochs: DEFAULTS.numEpochs,
      batchSizes: [10, 25, 50, 100, 200, 500],
      seeds: [0],
      // extra seeds cost 3 more runs each; opt in with COLOURLAB_SEEDS=0,1,2
      spreadSeeds: [],
      spreadBatchSizes: [50, 100, 200],
      analysisImages: 100,
    };
  const seeds = numberList("COLOURLAB_SEEDS", [
    DEFAULTS.seed,
    ...base.spreadSeeds,
  ]);
  return {
    quick,
    data,
    ...base,
    batchSizes: numberList("COLOURLAB_BATCH_SIZES", base.batchSizes),
    seeds: seeds.slice(0, 1),
    spreadSeeds: seeds.slice(1),
    seed: DEFAULTS.seed,
  };
}

/**
 * One line for the top of every notebook: backend, data set and its sha256
 * (first 12 hex digits), seed, quick or full mode.
 * @see notebooks/01_colourization.ipynb
 */
export function describeSettings(
  settings: ExperimentSettings,
  backend: BackendInfo,
  data: CategoryData,
): string {
  const d = data.source.description;
  const set = data.source.synthetic
    ? (/synthetic/i.test(d) ? d : `SYNTHETIC data (not CIFAR-10): ${d}`)
    : `${data.source.kind} ${data.source.path ?? ""}`.trim();
  const mode = settings.quick
    ? `QUICK mode (${settings.limitTrain} training images, ${settings.numEpochs} epochs per run)`
    : `full mode (all ${data.train.count} training images, ${settings.numEpochs} epochs per run)`;
  return [
    `backend ${describeBackend(backend)}`,
    `data ${set}, sha256 ${data.source.sha256.slice(0, 12)}, ` +
    `${data.train.count} train / ${data.val.count} validation ${data.categoryName} images`,
    `seed ${settings.seed}`,
    mode,
  ].join(" · ");
}

/**
 * The same facts as a table for lib/notebook.ts `recordContext`, which the
 * report puts on the notebook's page.
 * @see notebooks/01_colourization.ipynb
 */
export function settingsContext(
  settings: ExperimentSettings,
  backend: BackendInfo,
  data: CategoryData,
): Record<string, string | number | boolean> {
  return {
    mode: settings.quick ? "quick" : "full",
    backend: describeBackend(backend),
    data: data.source.description,
    "data sha256": data.source.sha256.slice(0, 12),
    synthetic: data.source.synthetic,
    "training images per run": Math.min(
      settings.limitTrain ?? Infinity,
      data.train.count,
    ),
    "validation images": Math.min(
      settings.limitVal ?? Infinity,
      data.val.count,
    ),
    "epochs per run": settings.numEpochs,
    seed: settings.seed,
  };
}
