/**
 * ColourlabMaxPool2x2Grad for the wasm backend: {x, y, dy} -> dx of a 2x2,
 * stride-2 'valid' max-pool in one SIMD pass on the backend's heap.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset } from "../own_wasm.ts";
import { maxPool2x2Grad as parallelMaxPoolGrad } from "./parallel.ts";

import { MAX_POOL_2X2_GRAD } from "../kernel_names.ts";

export { MAX_POOL_2X2_GRAD };

function maxPoolGrad(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown },
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, y, dy } = args.inputs as Record<string, tf.TensorInfo>;
  const [N, H, W, C] = x.shape;
  const dx = backend.makeOutput(x.shape, "float32");
  if (H % 2 !== 0 || W % 2 !== 0) {
    (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
  }
  const at = (t: tf.TensorInfo) => heapOffset(backend, t.dataId);
  parallelMaxPoolGrad(
    backend,
    { x: at(x), y: at(y), dy: at(dy), dx: at(dx) },
    [N, H, W, C],
  );
  return dx;
}

/**
 * The kernel config for the wasm backend.
 */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: MAX_POOL_2X2_GRAD,
  backendName: "wasm",
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
