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
 *
 * @see notebooks/01_colourization.ipynb
 */
export function pixelCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
): tf.Scalar {
  return softmaxCrossEntropy(logits, labels);
}

/**
 * Sum (not mean) of the per-pixel cross-entropy and the number of pixels whose
 * arg-max equals the label, for averaging over a whole set.
 *
 * @see notebooks/01_colourization.ipynb
 */
export function pixelLossAndHits(
  logits: tf.Tensor,
  labels: tf.Tensor,
): { lossSum: tf.Scalar; hits: tf.Scalar } {
  return tf.tidy(() => {
    const numColours = logits.shape[logits.shape.length - 1];
    const pixels = logits.size / numColours;
    const flat = tf.reshape(logits, [pixels, numColours]);
    const flatLabels = tf.reshape(labels, [pixels]);
    const logProbs = tf.logSoftmax(flat);
    const lossSum = tf.neg(
      tf.sum(tf.mul(logProbs, tf.oneHot(flatLabels, numColours))),
    ) as tf.Scalar;
    const hits = tf.sum(
      tf.cast(tf.equal(tf.argMax(flat, 1), flatLabels), "float32"),
    ) as tf.Scalar;
    return { lossSum, hits };
  });
}
