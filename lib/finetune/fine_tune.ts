/**
 * Fine-tuning the pre-trained network for horse segmentation, and the
 * comparisons: the new last layer alone (on the pre-trained body, or on a
 * random one), the whole network, and the trivial baselines. Each trained
 * variant and seed is a segmentation run (lib/run/run.ts), cached.
 *
 * Last-layer training runs the frozen body once over the data, outside any
 * gradient tape (inference mode, so its BatchNorm uses the running
 * statistics), and then trains the 1x1 head on the cached features: the
 * cheap way, mode (c) of the cost study.
 *
 * @module
 */
import type { SegmentationData } from "../data/weizmann.ts";
import type { ColourizationInput, SegmentationInput } from "../run/config.ts";
import { trainOrLoad } from "../run/run.ts";
import type { RunSources } from "../run/run.ts";
import { segmentationTrainData } from "../data/train_data.ts";
import { predictLabels } from "../train/evaluate.ts";
import type { EpochRecord } from "../train/types.ts";
import { type SegmentationScores, segmentationScores } from "./metrics.ts";

/** The variants compared, with the names the CLI prints. */
export const VARIANTS = [
  "last-layer-pretrained",
  "last-layer-random",
  "whole-network",
  "all-background",
  "all-horse",
] as const;

/** One of {@link VARIANTS}. */
export type Variant = typeof VARIANTS[number];

/** Training settings of the fine-tuning variants. */
export interface FineTuneConfig {
  /** Epochs and learning rate when only the last layer trains. */
  headEpochs: number;
  headLearningRate: number;
  /** Epochs and learning rate when the whole network trains. */
  wholeEpochs: number;
  wholeLearningRate: number;
  batchSize: number;
  /**
   * Weigh horse and background pixels equally in the loss (true), or
   * every pixel the same (false, the plain mean as the original).
   */
  balanced: boolean;
}

/** Defaults of {@link FineTuneConfig}. */
export const FINE_TUNE_DEFAULTS: FineTuneConfig = {
  headEpochs: 30,
  headLearningRate: 0.05,
  wholeEpochs: 8,
  wholeLearningRate: 0.001,
  batchSize: 16,
  balanced: true,
};

/** The outcome of one variant with one seed. */
export interface VariantResult {
  variant: Variant;
  seed: number;
  scores: SegmentationScores;
  /** Predicted masks of the test images, [count, S, S] 0/1. */
  predictions: Uint8Array;
  history: EpochRecord[];
  /** Seconds of training (now or when it was trained). */
  seconds: number;
  /** The run folder (trained variants). */
  dir?: string;
}

/**
 * The segmentation run of a trained variant (undefined for the constant
 * baselines), starting from the pre-training run `body`.
 */
export function variantInput(
  variant: Variant,
  opts: {
    body: ColourizationInput;
    size: number;
    seed: number;
    config?: Partial<FineTuneConfig>;
  },
): SegmentationInput | undefined {
  const cfg = { ...FINE_TUNE_DEFAULTS, ...opts.config };
  const head = variant !== "whole-network";
  if (variant === "all-background" || variant === "all-horse") return undefined;
  return {
    task: "segmentation",
    body: variant === "last-layer-random" ? "random" : opts.body,
    train: head ? "head" : "all",
    size: opts.size,
    balanced: cfg.balanced,
    learningRate: head ? cfg.headLearningRate : cfg.wholeLearningRate,
    numEpochs: head ? cfg.headEpochs : cfg.wholeEpochs,
    batchSize: cfg.batchSize,
    seed: opts.seed,
    // a random body has the pre-trained one's architecture
    numBlocks: opts.body.numBlocks,
    numFilters: opts.body.numFilters,
    dilations: opts.body.dilations,
  };
}

/** Options of {@link runVariant}. */
export interface RunVariantOptions {
  /** The CIFAR-10 data and palette the body pre-trains on, and the segmentation data. */
  sources: RunSources & { segmentation: SegmentationData };
  /** The pre-training run. */
  body: ColourizationInput;
  seed: number;
  config?: Partial<FineTuneConfig>;
  cacheDir?: string;
  onEpochEnd?: (record: EpochRecord) => void;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Trains (or reads from the cache) one variant with one seed and scores it on
 * the test split.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function runVariant(
  variant: Variant,
  opts: RunVariantOptions,
): Promise<VariantResult> {
  const data = opts.sources.segmentation;
  const test = data.test;
  const input = variantInput(variant, {
    body: opts.body,
    size: test.size,
    seed: opts.seed,
    config: opts.config,
  });
  if (!input) {
    const predictions = new Uint8Array(test.masks.length).fill(
      variant === "all-horse" ? 1 : 0,
    );
    return {
      variant,
      seed: opts.seed,
      scores: segmentationScores(predictions, test.masks, test.count),
      predictions,
      history: [],
      seconds: 0,
    };
  }
  const run = await trainOrLoad(input, opts.sources, {
    cacheDir: opts.cacheDir,
    onEpochEnd: opts.onEpochEnd,
    onLine: opts.onLine,
    signal: opts.signal,
  });
  try {
    const grey = segmentationTrainData(data).valX;
    const predictions = await predictLabels(run.model, grey, {
      count: test.count,
      height: test.size,
      width: test.size,
    });
    return {
      variant,
      seed: opts.seed,
      scores: segmentationScores(predictions, test.masks, test.count),
      predictions,
      history: run.history,
      seconds: run.json.timings.trainSeconds,
      dir: run.dir,
    };
  } finally {
    run.model.dispose();
  }
}
