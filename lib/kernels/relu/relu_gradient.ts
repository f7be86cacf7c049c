/**
 * The Relu gradient (dy where x > 0) as one own kernel where there is one
 * (wasm), else tfjs's formula; registered for every backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { RELU_GRAD } from "./wasm_relu.ts";

/**
 * dy where x > 0, else 0.
 */
export function reluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (
    x.dtype === "float32" && dy.dtype === "float32" &&
    tf.getKernel(RELU_GRAD, tf.getBackend())
  ) {
    return tf.engine().runKernel(RELU_GRAD, { x, dy }) as tf.Tensor;
  }
  return tf.mul(dy, tf.cast(tf.step(x), "float32"));
}

let registered = false;

/** Replaces tfjs's Relu gradient by {@link reluGrad}. Idempotent. */
export function registerReluGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: "Relu",
    inputsToSave: ["x"],
    gradFunc: (dy, saved) => ({
      x: () => reluGrad(dy as tf.Tensor, saved[0]),
    }),
  });
}
