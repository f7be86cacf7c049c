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
import { loadCategoryData } from "../data/cifar.ts";
import { loadOrComputePalette } from "../data/palette.ts";
import type { DataSource } from "../data/types.ts";
import { writeFileAtomic } from "../io/file_handler.ts";
import { loadOrCompute } from "../run/cached.ts";
import {
  type ColourizationConfig,
  type ColourizationInput,
  resolveConfig,
} from "../run/config.ts";
import { projectDataDir } from "../io/data_dir.ts";
import { trainOrLoad } from "../run/run.ts";
import type { EpochRecord } from "../train/types.ts";
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
import { pretrainInput } from "./pretrain.ts";
import { loadSegmentationData } from "./segmentation_data.ts";
import { requireWeizmann } from "../data/weizmann_source.ts";

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
  /** Cache root (default the project's data/). */
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
    config: ColourizationConfig;
    source: DataSource;
    valAccuracy: number;
    history: EpochRecord[];
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
  /** True when every part came from the caches. */
  fromCache: boolean;
}

/** The settings quick mode and full mode use. */
export function studySettings(quick: boolean, size: number) {
  return {
    pretrain: (quick ? { numEpochs: 2, limitTrain: 200 } : {}) as Partial<
      ColourizationInput
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
    projectDataDir: opts.cacheDir ?? projectDataDir(),
  });
}

function fmt(v: number, digits = 3): string {
  return v.toFixed(digits);
}

/**
 * Runs the study (see the module doc): every training is a cached run and the
 * cost study a cached result, so a second call only reads them back.
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
  const cacheDir = opts.cacheDir ?? projectDataDir();
  const settings = studySettings(opts.quick, size);
  const body = pretrainInput(settings.pretrain);
  const bodyConfig = resolveConfig(body);
  const cifar = await loadCategoryData({ data: opts.pretrainData, cacheDir });
  const palette = await loadOrComputePalette(cifar, {
    numColours: 24,
    seed: bodyConfig.seed,
    cacheDir,
  });
  const colour = { data: cifar, palette };
  const pretrained = await trainOrLoad(body, { colour }, {
    cacheDir,
    onLine: say,
    onEpochEnd: (e) =>
      say(
        `  pre-train epoch ${e.epoch}: loss ${fmt(e.trainLoss)}, val accuracy ${
          fmt(e.valAccuracy)
        } (${fmt(e.seconds, 1)} s)`,
      ),
  });
  pretrained.model.dispose();
  const valAccuracy = pretrained.history.at(-1)?.valAccuracy ?? NaN;
  say(
    `pre-trained network: ${pretrained.dir} (${
      pretrained.cached ? "cached" : "trained now"
    }; colourization pixel accuracy ${
      fmt(valAccuracy)
    }; data ${cifar.source.description})`,
  );
  const data = await loadSegmentationData({ data: segmentation, size });
  say(`segmentation data: ${data.source.description}`);
  let allCached = pretrained.cached;
  const comparison = await compareVariants({
    sources: { colour, segmentation: data },
    body,
    cacheDir,
    onLine: say,
    seeds: opts.seeds ?? (opts.quick ? 1 : 3),
    config: settings.fineTune,
    onEpochEnd: () => allCached = false,
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
  const cost = await loadOrCompute(
    `${cacheDir}/finetune/cost_${opts.quick ? "quick" : "full"}`,
    {
      identity: {
        blocks: settings.blocks,
        sizes: settings.sizes,
        backend: backend.name,
      },
      roots: ["finetune/cost_study.ts", "backend.ts"],
      onLine: say,
    },
    () =>
      runCostStudy({
        blocks: settings.blocks,
        sizes: settings.sizes,
        onPoint: (p) =>
          say(
            `  n ${p.n}, S ${p.size}, mode ${p.mode}: ${fmt(p.stepMs, 0)} ms`,
          ),
      }),
  );
  if (cost.cached) say("  (measured earlier, read from the cache)");
  return {
    backend: backend.name,
    quick: opts.quick,
    size,
    pretrain: {
      dir: pretrained.dir,
      cached: pretrained.cached,
      config: bodyConfig,
      source: cifar.source,
      valAccuracy,
      history: pretrained.history,
    },
    segmentationSource: data.source,
    testImages: data.test.count,
    fineTune: settings.fineTune,
    variants: comparison.summaries,
    cost: cost.value,
    slopes: fitCostSlopes(cost.value),
    sizeRatios: sizeRatios(cost.value),
    seconds: (performance.now() - t0) / 1000,
    predictionsPng,
    fromCache: allCached && cost.cached,
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
