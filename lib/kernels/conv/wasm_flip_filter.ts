/**
 * ColourlabFlipFilter for the wasm backend: {filter [kH,kW,C,K]} ->
 * [kH,kW,K,C] reversed in space, for input gradients computed as forward
 * convolutions (the backend's Reverse + Transpose took milliseconds for a
 * few thousand numbers).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** Kernel name (shared with the op in conv2d_gradient.ts). */
export const FLIP_FILTER = "ColourlabFlipFilter";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

/** [kH,kW,C,K] -> [kH,kW,K,C], reversed in space, as a plain loop. */
export function flipFilterArray(
  w: Float32Array,
  [kH, kW, C, K]: number[],
  out: Float32Array<ArrayBufferLike> = new Float32Array(w.length),
): Float32Array<ArrayBufferLike> {
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      const src = (kh * kW + kw) * C * K;
      const dst = ((kH - 1 - kh) * kW + (kW - 1 - kw)) * K * C;
      for (let c = 0; c < C; c++) {
        for (let k = 0; k < K; k++) out[dst + k * C + c] = w[src + c * K + k];
      }
    }
  }
  return out;
}

function flipFilter(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { filter } = args.inputs as { filter: tf.TensorInfo };
  const [kH, kW, C, K] = filter.shape;
  const out = backend.makeOutput([kH, kW, K, C], "float32");
  flipFilterArray(
    backend.typedArrayFromHeap(filter) as Float32Array,
    filter.shape,
    backend.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
}

/** The kernel config for the wasm backend. */
export const flipFilterConfig: tf.KernelConfig = {
  kernelName: FLIP_FILTER,
  backendName: "wasm",
  kernelFunc: flipFilter as unknown as tf.KernelFunc,
};
