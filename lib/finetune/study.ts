/**
 * The whole Part C study in one call, shared by `deno task finetune` and
 * notebooks/06_fine_tuning.ipynb: pre-train (or read the cached network),
 * fine-tune and compare the variants over seeds, draw the predictions, and
 * measure the cost of one step against n and S. The notebook reads a cached
 * study when one exists for the same settings and data.
 *
 * @module
 */
import type { BackendInfo } from "../backend.ts";
import type { DataSource } from "../data/types.ts";
import { hasSavedModel, writeFileAtomic } from "../io/file_handler.ts";
import { type CostPoint, runCostStudy } from "./cost_study.ts";
import {
  type CostSlope,
  fitCostSlopes,
  type SizeRatio,
  sizeRatios,
} from "./cost_fit.ts";
import { compareVariants, type VariantSummary } from "./experiment.ts";
import type { FineTuneConfig } from "./fine_tune.ts";
import { predictionPicture } from "./pictures.ts";
import type { PixelEpochLogs } from "./pixel_training.ts";
import { loadOrPretrain, type PretrainConfig } from "./pretrain.ts";
import { loadSegmentationData } from "./segmentation_data.ts";
import { requireWeizmann } from "../data/weizmann_source.ts";
import { fineTuneCodeVersion } from "./code_version.ts";

/** What to run. */
export interface StudyOptions {
  /** Quick mode: 1 seed by default, few epochs, small pre-training, n in {2, 4, 8}, S in {32, 64}. */
  quick: boolean;
  /**
   * Weizmann-layout folder, or "synthetic" for the synthetic shapes;
   * undefined (none found): the shapes in quick mode or with synthetic
   * pre-training data, an error otherwise.
   */
  data?: string;
  /** CIFAR-10 archive/folder or "synthetic" for the pre-training. */
  pretrainData?: string;
  /** S (default 64). */
  size?: number;
  /** Seeds per variant (default 3; 1 in quick mode). */
  seeds?: number;
  /** Cache root (default "data"). */
  cacheDir?: string;
  /** Progress lines (the library never prints). */
  onLine?: (line: string) => void;
}

/** Everything the study found. */
export interface StudyResult {
  backend: string;
  quick: boolean;
  size: number;
  pretrain: {
    dir: string;
    cached: boolean;
    config: PretrainConfig;
    source: DataSource;
    valAccuracy: number;
    history: PixelEpochLogs[];
  };
  segmentationSource: DataSource;
  testImages: number;
  fineTune: Partial<FineTuneConfig>;
  variants: VariantSummary[];
  cost: CostPoint[];
  slopes: CostSlope[];
  sizeRatios: SizeRatio[];
  seconds: number;
  /** PNG of the seed-0 predictions over the first test photos. */
  predictionsPng: Uint8Array;
}

/** The settings quick mode and full mode use. */
export function studySettings(quick: boolean, size: number) {
  return {
    pretrain: (quick ? { numEpochs: 2, limitTrain: 200 } : {}) as Partial<
      PretrainConfig
    >,
    fineTune: (quick ? { headEpochs: 15, wholeEpochs: 3 } : {}) as Partial<
      FineTuneConfig
    >,
    blocks: quick ? [2, 4, 8] : [2, 4, 8, 12, 16],
    sizes: quick ? [32, 64] : [size, 2 * size],
  };
}

/**
 * The Weizmann folder or "synthetic"; without photos, the synthetic shapes
 * in quick mode and in the offline demonstration (synthetic pre-training),
 * an error otherwise.
 */
function segmentationSource(opts: StudyOptions): string {
  return requireWeizmann(opts.data, {
    fallback: opts.quick || opts.pretrainData === "synthetic",
    projectDataDir: opts.cacheDir ?? "data",
  });
}

function fmt(v: number, digits = 3): string {
  return v.toFixed(digits);
}

/**
 * Runs the study (see the module doc).
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function runFineTuneStudy(
  backend: BackendInfo,
  opts: StudyOptions,
): Promise<StudyResult> {
  const t0 = performance.now();
  const say = opts.onLine ?? (() => {});
  const segmentation = segmentationSource(opts); // before any training
  const size = opts.size ?? 64;
  const settings = studySettings(opts.quick, size);
  const pretrained = await loadOrPretrain({
    data: opts.pretrainData,
    config: settings.pretrain,
    cacheDir: opts.cacheDir,
    onStart: ({ source, images }) =>
      say(`pre-training on ${images} images: ${source.description}`),
    onEpochEnd: (e, l) =>
      say(
        `  pre-train epoch ${e + 1}: loss ${fmt(l.loss)} (${
          fmt(l.seconds, 1)
        } s)`,
      ),
  });
  say(
    `pre-trained network: ${pretrained.dir} (${
      pretrained.cached ? "cached" : "trained now"
    }; ` +
      `colourization pixel accuracy ${fmt(pretrained.valAccuracy)})`,
  );
  const data = await loadSegmentationData({ data: segmentation, size });
  say(`segmentation data: ${data.source.description}`);
  const comparison = await compareVariants({
    pretrained: pretrained.model,
    data,
    seeds: opts.seeds ?? (opts.quick ? 1 : 3),
    config: settings.fineTune,
    onResult: (r) =>
      say(
        `  ${r.variant} seed ${r.seed}: IoU ${fmt(r.scores.iou)}, thresholded ${
          fmt(r.scores.thresholdedIou)
        } (${fmt(r.seconds, 1)} s)`,
      ),
  });
  const predictionsPng = await predictionPicture(
    data.test,
    comparison.firstSeedPredictions as Record<string, Uint8Array>,
  );
  say(
    `cost study: n in {${settings.blocks}}, S in {${settings.sizes}}, modes a, b, c`,
  );
  const cost = await runCostStudy({
    blocks: settings.blocks,
    sizes: settings.sizes,
    onPoint: (p) =>
      say(`  n ${p.n}, S ${p.size}, mode ${p.mode}: ${fmt(p.stepMs, 0)} ms`),
  });
  return {
    backend: backend.name,
    quick: opts.quick,
    size,
    pretrain: {
      dir: pretrained.dir,
      cached: pretrained.cached,
      config: pretrained.config,
      source: pretrained.source,
      valAccuracy: pretrained.valAccuracy,
      history: pretrained.history,
    },
    segmentationSource: data.source,
    testImages: data.test.count,
    fineTune: settings.fineTune,
    variants: comparison.summaries,
    cost,
    slopes: fitCostSlopes(cost),
    sizeRatios: sizeRatios(cost),
    seconds: (performance.now() - t0) / 1000,
    predictionsPng,
  };
}

/** Writes `results.json` and `predictions.png` of a study into `dir`. */
export async function saveStudy(
  result: StudyResult,
  dir: string,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const { predictionsPng, ...rest } = result;
  await writeFileAtomic(`${dir}/predictions.png`, predictionsPng);
  await writeFileAtomic(`${dir}/results.json`, JSON.stringify(rest, null, 1));
}

/** Reads a study saved by {@link saveStudy}. */
export async function readStudy(dir: string): Promise<StudyResult> {
  const rest = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
  return {
    ...rest,
    predictionsPng: await Deno.readFile(`${dir}/predictions.png`),
  };
}

/**
 * The cache folder of a study with these options:
 * `cacheDir/finetune/study_{quick|full}_<hash of the options, backend and
 * code version (fineTuneCodeVersion())>`.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function studyCacheDir(
  backend: BackendInfo,
  opts: StudyOptions,
): Promise<string> {
  const key = JSON.stringify({
    v: 1,
    quick: opts.quick,
    data: segmentationSource(opts),
    pretrainData: opts.pretrainData ?? "default",
    size: opts.size ?? 64,
    seeds: opts.seeds ?? (opts.quick ? 1 : 3),
    backend: backend.name,
    code: await fineTuneCodeVersion(),
  });
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)),
  );
  const hex = Array.from(
    digest.slice(0, 8),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  return `${opts.cacheDir ?? "data"}/finetune/study_${
    opts.quick ? "quick" : "full"
  }_${hex}`;
}

/**
 * The study for these options from {@link studyCacheDir} when one was run
 * before with the same settings (by this function or by `deno task
 * finetune`, and the pre-trained network is still cached), else run now and
 * saved there. For notebooks, which must not retrain on every report build.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function loadOrRunStudy(
  backend: BackendInfo,
  opts: StudyOptions,
): Promise<StudyResult & { fromCache: boolean }> {
  const dir = await studyCacheDir(backend, opts); // throws without photos in full mode
  try {
    const cached = await readStudy(dir);
    // The pre-trained network must still be there (its folder, under this cache root).
    const pretrained = cached.pretrain.dir.split("/").pop();
    const root = opts.cacheDir ?? "data";
    if (await hasSavedModel(`${root}/finetune/${pretrained}`)) {
      return { ...cached, fromCache: true };
    }
  } catch { /* not run yet */ }
  const result = await runFineTuneStudy(backend, opts);
  await saveStudy(result, dir);
  return { ...result, fromCache: false };
}
