/**
 * The Concat gradient as one slice of dy per input, computed only for the
 * inputs that need it (tfjs splits dy into every part at once: the UNet's
 * last skip connection concatenates the grey input, whose part nobody
 * needs). Registered for every backend; on wasm the slices are column copies
 * (wasm_split_concat.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

let registered = false;

/** Replaces tfjs's Concat gradient by lazy per-input slices. Idempotent. */
export function registerConcatGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: "Concat",
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const d = dy as tf.Tensor;
      const { axis } = attrs as unknown as { axis: number | number[] };
      const a = tf.util.parseAxisParam(axis, saved[0].shape)[0];
      // Gradients by input index ("0", "1", ...), as the tape looks them up.
      const grads: Record<string, () => tf.Tensor> = {};
      const begin = d.shape.map(() => 0);
      saved.forEach((x, i) => {
        const start = begin.slice();
        begin[a] += x.shape[a];
        const size = d.shape.slice();
        size[a] = x.shape[a];
        grads[i] = () => tf.slice(d, start, size);
      });
      return grads;
    },
  });
}
