/**
 * Per-pixel softmax cross-entropy and accuracy, as the handout measures them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Mean softmax cross-entropy over all pixels of `logits` [B, H, W, NC]
 * against integer `labels` [B, H, W] (int32), with the closed-form gradient
 * (softmax - one-hot) / pixels.
 *
 * @see notebooks/01_colourization.ipynb
 */
export function pixelCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
): tf.Scalar {
  const numColours = logits.shape[logits.shape.length - 1];
  const pixels = logits.size / numColours;
  const oneHot = tf.oneHot(tf.reshape(labels, [pixels]), numColours);
  const f = tf.customGrad((...args: unknown[]) => {
    const flat = tf.reshape(args[0] as tf.Tensor, [pixels, numColours]);
    const save = args[1] as tf.GradSaveFunc;
    const lse = tf.logSumExp(flat, 1, true);
    const logProbs = tf.sub(flat, lse);
    const value = tf.neg(
      tf.div(tf.sum(tf.mul(logProbs, oneHot)), pixels),
    ) as tf.Scalar;
    save([tf.exp(logProbs), oneHot]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = Array.isArray(dy) ? dy[0] : dy;
        const grad = tf.mul(tf.sub(saved[0], saved[1]), tf.div(d, pixels));
        return [tf.reshape(grad, logits.shape)];
      },
    };
  });
  return f(logits) as tf.Scalar;
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
