/**
 * Validation: loss and accuracy over a whole set, BatchNorm in inference mode.
 * Both functions run the model's folded eval plan (lib/models/inference.ts),
 * compiled once per call from the model's current weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { compileInferenceAsync } from "../models/inference.ts";
import { pixelLossAndHits } from "./loss.ts";

/** A model (run through its folded eval plan) or an inference-mode forward function. */
export type Predictor = tf.LayersModel | ((xs: tf.Tensor4D) => tf.Tensor);

/** The predictor as a function, and what to free once done. */
async function compile(
  predictor: Predictor,
): Promise<{ apply: (xs: tf.Tensor4D) => tf.Tensor; dispose: () => void }> {
  if (typeof predictor === "function") {
    return { apply: predictor, dispose: () => {} };
  }
  const net = await compileInferenceAsync(predictor);
  return { apply: (xs) => net.apply(xs), dispose: () => net.dispose() };
}

/** Loss per pixel and accuracy over a set. */
export interface Evaluation {
  /** Cross-entropy averaged over every pixel of the set (not over batches). */
  loss: number;
  /** Share (0..1) of pixels whose arg-max equals the label. */
  accuracy: number;
}

/** Copies images `order[start..end)` of `x` (and their labels) into one batch. */
export function gatherBatch(
  x: Float32Array,
  y: Uint8Array,
  order: ArrayLike<number> | null,
  start: number,
  end: number,
  shape: { height: number; width: number; channels: number },
): { x: Float32Array; y: Int32Array } {
  const pixels = shape.height * shape.width;
  const xPer = pixels * shape.channels;
  const count = end - start;
  const xb = new Float32Array(count * xPer);
  const yb = new Int32Array(count * pixels);
  for (let j = 0; j < count; j++) {
    const i = order ? order[start + j] : start + j;
    xb.set(x.subarray(i * xPer, (i + 1) * xPer), j * xPer);
    yb.set(y.subarray(i * pixels, (i + 1) * pixels), j * pixels);
  }
  return { x: xb, y: yb };
}

/**
 * Evaluates a model (BatchNorm in inference mode) on (x, y) in batches; the
 * loss is the mean over all pixels of the set, each pixel weighted by its
 * class's weight when `classWeights` is given.
 */
export async function evaluate(
  predictor: Predictor,
  x: Float32Array,
  y: Uint8Array,
  opts: {
    height: number;
    width: number;
    batchSize?: number;
    classWeights?: number[];
  },
): Promise<Evaluation> {
  const pixels = opts.height * opts.width;
  const n = y.length / pixels;
  const channels = x.length / (n * pixels);
  const shape = { height: opts.height, width: opts.width, channels };
  const batchSize = opts.batchSize ?? 100;
  let lossSum = 0;
  let weightSum = 0;
  let hits = 0;
  const net = await compile(predictor);
  try {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const b = gatherBatch(x, y, null, start, end, shape);
      const { lossSum: l, hits: h } = tf.tidy(() => {
        const xt = tf.tensor4d(b.x, [
          end - start,
          opts.height,
          opts.width,
          channels,
        ]);
        const yt = tf.tensor3d(
          b.y,
          [end - start, opts.height, opts.width],
          "int32",
        );
        const logits = net.apply(xt);
        return pixelLossAndHits(logits, yt, opts.classWeights);
      });
      const [ls, hs] = await Promise.all([l.data(), h.data()]);
      tf.dispose([l, h]);
      lossSum += ls[0];
      hits += hs[0];
      if (opts.classWeights) {
        for (let p = start * pixels; p < end * pixels; p++) {
          weightSum += opts.classWeights[y[p]];
        }
      }
    }
  } finally {
    net.dispose();
  }
  return {
    loss: lossSum / (opts.classWeights ? weightSum : n * pixels),
    accuracy: hits / (n * pixels),
  };
}

/**
 * Arg-max class of every pixel, [n, height, width], BatchNorm in inference mode.
 */
export async function predictLabels(
  predictor: Predictor,
  x: Float32Array,
  opts: { count: number; height: number; width: number; batchSize?: number },
): Promise<Uint8Array> {
  const pixels = opts.height * opts.width;
  const channels = x.length / (opts.count * pixels);
  const out = new Uint8Array(opts.count * pixels);
  const batchSize = opts.batchSize ?? 100;
  const net = await compile(predictor);
  try {
    for (let start = 0; start < opts.count; start += batchSize) {
      const end = Math.min(opts.count, start + batchSize);
      const labels = tf.tidy(() => {
        const xt = tf.tensor4d(
          x.subarray(start * pixels * channels, end * pixels * channels),
          [end - start, opts.height, opts.width, channels],
        );
        return tf.argMax(net.apply(xt), -1);
      });
      const data = await labels.data();
      labels.dispose();
      out.set(data, start * pixels);
    }
  } finally {
    net.dispose();
  }
  return out;
}

/**
 * Outputs of `model.predict` over a set in batches (inference mode;
 * tfjs-layers frees each intermediate tensor as soon as it is consumed), in
 * one typed array [count, height, width, output channels]. Fine-tuning the
 * last layer computes the frozen body's features with it.
 */
export async function predictAll(
  model: tf.LayersModel,
  x: Float32Array,
  opts: { count: number; height: number; width: number; batchSize?: number },
): Promise<Float32Array> {
  const pixels = opts.height * opts.width;
  const channels = x.length / (opts.count * pixels);
  const batchSize = opts.batchSize ?? 32;
  let out: Float32Array | undefined;
  for (let start = 0; start < opts.count; start += batchSize) {
    const end = Math.min(opts.count, start + batchSize);
    const xs = tf.tensor4d(
      x.subarray(start * pixels * channels, end * pixels * channels),
      [end - start, opts.height, opts.width, channels],
    );
    const ys = model.predict(xs) as tf.Tensor;
    const values = await ys.data() as Float32Array;
    out ??= new Float32Array(opts.count * (values.length / (end - start)));
    out.set(values, start * (values.length / (end - start)));
    tf.dispose([xs, ys]);
  }
  return out ?? new Float32Array(0);
}
