/**
 * Mean per-pixel softmax cross-entropy with its closed-form gradient
 * ((softmax - onehot) / pixels), computed together in one pass by an own
 * kernel on wasm (SIMD exp); tfjs ops elsewhere.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { SOFTMAX_XENT } from "./wasm_softmax_cross_entropy.ts";

/**
 * Mean over pixels of -log softmax(logits)[label] for logits [..., C] and
 * integer labels [...] (the leading shapes equal).
 *
 * @see notebooks/01_colourization.ipynb
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
): tf.Scalar {
  const C = logits.shape[logits.shape.length - 1];
  const pixels = logits.size / C;
  if (labels.size !== pixels) {
    throw new Error(
      `softmaxCrossEntropy: ${labels.size} labels for ${pixels} pixels`,
    );
  }
  const own = C % 4 === 0 &&
    tf.getKernel(SOFTMAX_XENT, tf.getBackend()) !== undefined;
  const f = tf.customGrad((...args: unknown[]) => {
    const save = args[1] as tf.GradSaveFunc;
    const [value, grad] = tf.tidy(() => {
      const flat = tf.reshape(args[0] as tf.Tensor, [pixels, C]);
      const flatLabels = tf.cast(tf.reshape(labels, [pixels]), "int32");
      if (own) {
        return tf.engine().runKernel(SOFTMAX_XENT, {
          logits: flat,
          labels: flatLabels,
        }) as tf.Tensor[];
      }
      const oneHot = tf.oneHot(flatLabels, C);
      const logProbs = tf.sub(flat, tf.logSumExp(flat, 1, true));
      const loss = tf.div(tf.neg(tf.sum(tf.mul(logProbs, oneHot))), pixels);
      const g = tf.div(tf.sub(tf.exp(logProbs), oneHot), pixels);
      return [loss, g];
    });
    save([grad]);
    return {
      value: value as tf.Scalar,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = Array.isArray(dy) ? dy[0] : dy;
        // The usual upstream gradient is the scalar 1 (the loss itself):
        // skip a pass. Reading a scalar is cheap on wasm, where `own` holds.
        const one = own && d.size === 1 && d.dataSync()[0] === 1;
        return [tf.reshape(one ? saved[0] : tf.mul(saved[0], d), logits.shape)];
      },
    };
  });
  return f(logits) as tf.Scalar;
}
