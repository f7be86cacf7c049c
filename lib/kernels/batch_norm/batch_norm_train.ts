/**
 * BatchNorm in training mode (per channel over the last axis, biased batch
 * variance, as torch.nn.BatchNorm2d normalises) as one differentiable op with
 * a closed-form gradient. On wasm both directions are fused own kernels;
 * on other backends the same maths runs as tfjs ops.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { BN_TRAIN, BN_TRAIN_GRAD } from "../kernel_names.ts";

/** Options of {@link batchNormTrain}. */
export interface BatchNormTrainOptions {
  /** Added to the variance before the square root (PyTorch: 1e-5). */
  epsilon: number;
  /**
   * Receives the batch mean and biased variance ([C] each) during the
   * forward pass, e.g. to update running statistics; they are disposed
   * after the call unless kept.
   */
  onStats?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void;
}

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** [y, mean, variance] of BatchNorm's training-mode forward pass. */
function forward(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  if (hasKernel(BN_TRAIN)) {
    return tf.engine().runKernel(BN_TRAIN, { x, gamma, beta }, {
      epsilon,
    }) as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
  }
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes);
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)));
  const y = tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(mean, scale)));
  return [y, mean as tf.Tensor1D, variance as tf.Tensor1D];
}

/** [dx, dGamma, dBeta] of BatchNorm's training-mode pass. */
function backward(
  dy: tf.Tensor,
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor,
  epsilon: number,
): tf.Tensor[] {
  if (hasKernel(BN_TRAIN_GRAD)) {
    return tf.engine().runKernel(
      BN_TRAIN_GRAD,
      { dy, x, mean, variance, gamma },
      { epsilon },
    ) as tf.Tensor[];
  }
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const n = x.size / x.shape[x.shape.length - 1];
  const inv = tf.rsqrt(tf.add(variance, epsilon));
  const xHat = tf.mul(tf.sub(x, mean), inv);
  const dBeta = tf.sum(dy, axes);
  const dGamma = tf.sum(tf.mul(dy, xHat), axes);
  const centred = tf.sub(
    tf.sub(dy, tf.div(dBeta, n)),
    tf.mul(xHat, tf.div(dGamma, n)),
  );
  return [tf.mul(centred, tf.mul(gamma, inv)), dGamma, dBeta];
}

/**
 * y = (x - mean_B) / sqrt(var_B + epsilon) * gamma + beta with batch
 * statistics over every axis but the last; differentiable in x, gamma, beta.
 *
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function batchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  opts: BatchNormTrainOptions,
): tf.Tensor {
  const f = tf.customGrad((...args: unknown[]) => {
    const [xIn, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance] = forward(xIn, g, b, opts.epsilon);
    opts.onStats?.(mean, variance);
    save([xIn, mean, variance, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, m, v, gm] = saved;
        const d = Array.isArray(dy) ? dy[0] : dy;
        return backward(d, xs, m, v, gm, opts.epsilon);
      },
    };
  });
  return f(x, gamma, beta) as tf.Tensor;
}
