/**
 * Per-pixel softmax cross-entropy and accuracy, as the handout measures them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { softmaxCrossEntropy } from "../kernels/loss/softmax_cross_entropy.ts";

/**
 * Mean softmax cross-entropy over all pixels of `logits` [B, H, W, NC]
 * against integer `labels` [B, H, W] (int32), with the closed-form gradient
 * (softmax - one-hot) / pixels (one own-kernel pass on wasm; see
 * lib/kernels/loss/softmax_cross_entropy.ts).
 */
export function pixelCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
): tf.Scalar {
  return softmaxCrossEntropy(logits, labels);
}

/**
 * Per-pixel softmax cross-entropy, each pixel weighted by the weight of its
 * true class, divided by the sum of the weights (segmentation weighs horse
 * and background pixels equally: {@link balancedClassWeights}).
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
 * Sum (not mean) of the per-pixel cross-entropy (each pixel weighted by its
 * class's weight when `classWeights` is given) and the number of pixels whose
 * arg-max equals the label, for averaging over a whole set.
 */
export function pixelLossAndHits(
  logits: tf.Tensor,
  labels: tf.Tensor,
  classWeights?: number[],
): { lossSum: tf.Scalar; hits: tf.Scalar } {
  return tf.tidy(() => {
    const numColours = logits.shape[logits.shape.length - 1];
    const pixels = logits.size / numColours;
    const flat = tf.reshape(logits, [pixels, numColours]);
    const flatLabels = tf.reshape(labels, [pixels]);
    const logProbs = tf.logSoftmax(flat);
    const lossSum = (classWeights
      ? tf.neg(tf.sum(tf.mul(
        tf.sum(tf.mul(logProbs, tf.oneHot(flatLabels, numColours)), 1),
        tf.gather(tf.tensor1d(classWeights), flatLabels),
      )))
      : tf.neg(
        tf.sum(tf.mul(logProbs, tf.oneHot(flatLabels, numColours))),
      )) as tf.Scalar;
    const hits = tf.sum(
      tf.cast(tf.equal(tf.argMax(flat, 1), flatLabels), "float32"),
    ) as tf.Scalar;
    return { lossSum, hits };
  });
}
