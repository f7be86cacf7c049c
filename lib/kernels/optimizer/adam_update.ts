/**
 * One Adam step (PyTorch's formulation) for one variable as a single op: an
 * own kernel on wasm (one pass instead of about a dozen ops), tfjs ops
 * elsewhere. The caller assigns the results.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { ADAM, type AdamAttrs } from "./wasm_adam.ts";

/** Hyper-parameters of one step `t` (1-based). */
export interface AdamStep {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** The step number, from 1. */
  t: number;
}

/**
 * [p', m', v'] after one step from parameters p, gradient g, moments m, v:
 * m' = b1 m + (1 - b1) g; v' = b2 v + (1 - b2) g^2;
 * p' = p - lr / (1 - b1^t) * m' / (sqrt(v') / sqrt(1 - b2^t) + eps).
 *
 * @see lib/train/adam.ts
 */
export function adamUpdate(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  s: AdamStep,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const attrs: AdamAttrs = {
    beta1: s.beta1,
    beta2: s.beta2,
    epsilon: s.epsilon,
    stepSize: s.learningRate / (1 - Math.pow(s.beta1, s.t)),
    bc2Sqrt: Math.sqrt(1 - Math.pow(s.beta2, s.t)),
  };
  const f32 = [p, g, m, v].every((t) => t.dtype === "float32");
  if (f32 && tf.getKernel(ADAM, tf.getBackend())) {
    return tf.engine().runKernel(
      ADAM,
      { p, g, m, v },
      attrs as unknown as tf.NamedAttrMap,
    ) as [tf.Tensor, tf.Tensor, tf.Tensor];
  }
  return tf.tidy(() => {
    const m1 = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
    const v1 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
    const denom = tf.add(tf.div(tf.sqrt(v1), attrs.bc2Sqrt), s.epsilon);
    const p1 = tf.sub(p, tf.mul(tf.div(m1, denom), attrs.stepSize));
    return [p1, m1, v1] as [tf.Tensor, tf.Tensor, tf.Tensor];
  });
}
