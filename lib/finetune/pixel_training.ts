/**
 * A small training loop for per-pixel classifiers that trains a chosen list
 * of variables (all of them, or only the last layer's), used by both the
 * colourization pre-training and the segmentation fine-tuning.
 *
 * The project's main trainer (lib/train/fit.ts) trains every weight of a
 * colour model over CIFAR batches with checkpoints; fine-tuning needs
 * something else: a forward function of our choosing (the head alone on
 * cached features, or the whole network) and a variable list.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Adam } from "../train/adam.ts";
import { pixelCrossEntropy } from "../train/loss.ts";
import { permutation } from "../random.ts";

/** Inputs [count, H, W, C] and integer labels [count, H, W] in typed arrays. */
export interface PixelDataset {
  inputs: Float32Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** Per-epoch numbers reported through `onEpochEnd`. */
export interface PixelEpochLogs {
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  loss: number;
  seconds: number;
}

/** Options of {@link trainPixels}. */
export interface PixelTrainOptions {
  numEpochs: number;
  batchSize: number;
  learningRate: number;
  /** Seed of the shuffles (each epoch its own permutation). */
  seed: number;
  /**
   * Weight of each class in the loss (default: all 1, the plain mean).
   * Segmentation uses balanced weights (see {@link balancedClassWeights}).
   */
  classWeights?: number[];
  onEpochEnd?: (epoch: number, logs: PixelEpochLogs) => void;
}

/** Rows `indices` of a dataset as tensors [b, H, W, C] and [b, H, W]. */
export function gatherBatch(
  data: PixelDataset,
  indices: ArrayLike<number>,
): { xs: tf.Tensor4D; ys: tf.Tensor3D } {
  const per = data.height * data.width;
  const b = indices.length;
  const x = new Float32Array(b * per * data.channels);
  const y = new Int32Array(b * per);
  for (let k = 0; k < b; k++) {
    const i = indices[k];
    x.set(
      data.inputs.subarray(
        i * per * data.channels,
        (i + 1) * per * data.channels,
      ),
      k * per * data.channels,
    );
    y.set(data.labels.subarray(i * per, (i + 1) * per), k * per);
  }
  return {
    xs: tf.tensor4d(x, [b, data.height, data.width, data.channels]),
    ys: tf.tensor3d(y, [b, data.height, data.width], "int32"),
  };
}

/**
 * Per-pixel softmax cross-entropy, each pixel weighted by the weight of its
 * true class, divided by the sum of the weights.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function weightedPixelCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  classWeights: number[],
): tf.Scalar {
  return tf.tidy(() => {
    const numClasses = logits.shape[logits.shape.length - 1];
    const pixels = logits.size / numClasses;
    const flatLabels = tf.reshape(labels, [pixels]);
    const logProbs = tf.logSoftmax(tf.reshape(logits, [pixels, numClasses]));
    const ce = tf.neg(
      tf.sum(tf.mul(logProbs, tf.oneHot(flatLabels, numClasses)), 1),
    );
    const w = tf.gather(tf.tensor1d(classWeights), flatLabels);
    return tf.div(tf.sum(tf.mul(ce, w)), tf.sum(w)) as tf.Scalar;
  });
}

/**
 * Class weights 1 / (numClasses * share of the class) over the labels, so
 * that every class weighs the same in total (a class absent gets weight 0).
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function balancedClassWeights(
  labels: Uint8Array,
  numClasses: number,
): number[] {
  const counts = new Array(numClasses).fill(0);
  for (const l of labels) counts[l]++;
  return counts.map((c) => (c === 0 ? 0 : labels.length / (numClasses * c)));
}

/**
 * Trains `variables` with Adam (PyTorch's) to minimise the mean per-pixel
 * cross-entropy of `forward(xs)` against the labels. Returns the loss of
 * each epoch. Throws on a NaN or infinite loss, naming epoch and batch.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function trainPixels(
  forward: (xs: tf.Tensor4D) => tf.Tensor,
  variables: tf.Variable[],
  data: PixelDataset,
  opts: PixelTrainOptions,
): Promise<PixelEpochLogs[]> {
  const adam = new Adam(variables, { learningRate: opts.learningRate });
  const history: PixelEpochLogs[] = [];
  try {
    for (let epoch = 0; epoch < opts.numEpochs; epoch++) {
      const start = performance.now();
      const order = permutation(data.count, opts.seed * 7919 + epoch);
      let lossSum = 0;
      for (let b = 0; b * opts.batchSize < data.count; b++) {
        const idx = order.subarray(
          b * opts.batchSize,
          Math.min(data.count, (b + 1) * opts.batchSize),
        );
        const { xs, ys } = gatherBatch(data, idx);
        const { value, grads } = tf.variableGrads(
          () =>
            opts.classWeights
              ? weightedPixelCrossEntropy(forward(xs), ys, opts.classWeights)
              : pixelCrossEntropy(forward(xs), ys),
          variables,
        );
        adam.applyGradients(grads);
        const loss = (await value.data())[0];
        tf.dispose([xs, ys, value, grads]);
        if (!Number.isFinite(loss)) {
          throw new Error(
            `loss is ${loss} at epoch ${epoch + 1}, batch ${b + 1}`,
          );
        }
        lossSum += loss * idx.length;
        // Let timers and I/O run between batches.
        await new Promise((r) => setTimeout(r, 0));
      }
      const logs = {
        loss: lossSum / data.count,
        seconds: (performance.now() - start) / 1000,
      };
      history.push(logs);
      opts.onEpochEnd?.(epoch, logs);
    }
  } finally {
    adam.dispose();
  }
  return history;
}

/**
 * Arg-max class of every pixel of `forward(xs)` over a dataset's inputs, in
 * batches; returns [count, H, W] class indices.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function predictPixels(
  forward: (xs: tf.Tensor4D) => tf.Tensor,
  data: Omit<PixelDataset, "labels">,
  batchSize = 32,
): Promise<Uint8Array> {
  const per = data.height * data.width;
  const out = new Uint8Array(data.count * per);
  for (let i = 0; i < data.count; i += batchSize) {
    const b = Math.min(batchSize, data.count - i);
    const classes = tf.tidy(() => {
      const xs = tf.tensor4d(
        data.inputs.subarray(
          i * per * data.channels,
          (i + b) * per * data.channels,
        ),
        [b, data.height, data.width, data.channels],
      );
      return tf.argMax(forward(xs), -1);
    });
    out.set(await classes.data(), i * per);
    classes.dispose();
  }
  return out;
}

/**
 * Runs `model.predict` (inference mode; tfjs-layers frees each intermediate
 * tensor as soon as it is consumed) over inputs in batches and returns the
 * outputs in one typed array [count, H, W, outChannels].
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function predictAll(
  model: tf.LayersModel,
  data: Omit<PixelDataset, "labels">,
  batchSize = 32,
): Promise<{ values: Float32Array; channels: number }> {
  const per = data.height * data.width;
  let values: Float32Array | undefined;
  let channels = 0;
  for (let i = 0; i < data.count; i += batchSize) {
    const b = Math.min(batchSize, data.count - i);
    const xs = tf.tensor4d(
      data.inputs.subarray(
        i * per * data.channels,
        (i + b) * per * data.channels,
      ),
      [b, data.height, data.width, data.channels],
    );
    const ys = model.predict(xs) as tf.Tensor;
    channels = ys.shape[3] as number;
    values ??= new Float32Array(data.count * per * channels);
    values.set(await ys.data() as Float32Array, i * per * channels);
    tf.dispose([xs, ys]);
  }
  return { values: values ?? new Float32Array(0), channels };
}
