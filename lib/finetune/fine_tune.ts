/**
 * Fine-tuning the pre-trained network for horse segmentation, and the
 * comparisons: the new last layer alone (on the pre-trained body, or on a
 * random one), the whole network, and the trivial baselines.
 *
 * Last-layer training runs the frozen body once over the data, outside any
 * gradient tape (inference mode, so its BatchNorm uses the running
 * statistics), and then trains the 1x1 head on the cached features: the
 * cheap way, mode (c) of the cost study.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { SegmentationData, SegmentationSet } from "../data/weizmann.ts";
import {
  allVariables,
  buildDeepLab,
  deepLabOptionsOf,
  featureModel,
  HEAD_NAME,
  headVariables,
  replaceHead,
} from "./deeplab.ts";
import { type SegmentationScores, segmentationScores } from "./metrics.ts";
import {
  balancedClassWeights,
  type PixelDataset,
  type PixelEpochLogs,
  predictAll,
  predictPixels,
  trainPixels,
} from "./pixel_training.ts";
import { greySegmentationInputs } from "./segmentation_data.ts";

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
  history: PixelEpochLogs[];
  seconds: number;
}

/** Options of {@link runVariant}. */
export interface RunVariantOptions {
  /** The pre-trained colourization network (left unchanged). */
  pretrained: tf.LayersModel;
  data: SegmentationData;
  seed: number;
  config?: Partial<FineTuneConfig>;
  onEpochEnd?: (epoch: number, logs: PixelEpochLogs) => void;
}

/** Grey inputs and masks of a split as a {@link PixelDataset}. */
export function segmentationDataset(set: SegmentationSet): PixelDataset {
  return {
    inputs: greySegmentationInputs(set),
    labels: set.masks,
    count: set.count,
    height: set.size,
    width: set.size,
    channels: 1,
  };
}

/**
 * Trains only the last layer of `model` on features of the frozen body
 * computed once outside the tape (inference mode); every other weight,
 * BatchNorm statistics included, is left as it was. Returns the history.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function fineTuneLastLayer(
  model: tf.LayersModel,
  train: PixelDataset,
  cfg: FineTuneConfig,
  seed: number,
  onEpochEnd?: (epoch: number, logs: PixelEpochLogs) => void,
): Promise<PixelEpochLogs[]> {
  const body = featureModel(model); // shares the layers, owns nothing
  const features = await predictAll(body, train);
  const head = model.getLayer(HEAD_NAME);
  return await trainPixels(
    (xs) => head.apply(xs) as tf.Tensor,
    headVariables(model),
    { ...train, inputs: features.values, channels: features.channels },
    {
      numEpochs: cfg.headEpochs,
      batchSize: cfg.batchSize,
      learningRate: cfg.headLearningRate,
      seed,
      classWeights: cfg.balanced
        ? balancedClassWeights(train.labels, 2)
        : undefined,
      onEpochEnd,
    },
  );
}

/**
 * Runs one variant with one seed and scores it on the test split.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function runVariant(
  variant: Variant,
  opts: RunVariantOptions,
): Promise<VariantResult> {
  const start = performance.now();
  const cfg = { ...FINE_TUNE_DEFAULTS, ...opts.config };
  const train = segmentationDataset(opts.data.train);
  const test = segmentationDataset(opts.data.test);
  const pixels = test.count * test.height * test.width;
  let predictions: Uint8Array;
  let history: PixelEpochLogs[] = [];
  if (variant === "all-background" || variant === "all-horse") {
    predictions = new Uint8Array(pixels).fill(variant === "all-horse" ? 1 : 0);
  } else {
    let model: tf.LayersModel;
    if (variant === "last-layer-random") {
      // Same architecture, random body (seeded), fresh head.
      model = buildDeepLab({
        ...deepLabOptionsOf(opts.pretrained),
        numClasses: 2,
        seed: 1_000_003 + opts.seed,
      });
    } else {
      model = replaceHead(opts.pretrained, { numClasses: 2, seed: opts.seed });
    }
    if (variant === "whole-network") {
      history = await trainPixels(
        (xs) => model.apply(xs, { training: true }) as tf.Tensor,
        allVariables(model),
        train,
        {
          numEpochs: cfg.wholeEpochs,
          batchSize: cfg.batchSize,
          learningRate: cfg.wholeLearningRate,
          seed: opts.seed,
          classWeights: cfg.balanced
            ? balancedClassWeights(train.labels, 2)
            : undefined,
          onEpochEnd: opts.onEpochEnd,
        },
      );
    } else {
      history = await fineTuneLastLayer(
        model,
        train,
        cfg,
        opts.seed,
        opts.onEpochEnd,
      );
    }
    predictions = await predictPixels(
      (xs) => model.predict(xs) as tf.Tensor,
      test,
    );
    model.dispose();
  }
  return {
    variant,
    seed: opts.seed,
    scores: segmentationScores(predictions, opts.data.test.masks, test.count),
    predictions,
    history,
    seconds: (performance.now() - start) / 1000,
  };
}
