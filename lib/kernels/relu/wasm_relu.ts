/**
 * ColourlabReluGrad for the wasm backend: {x, dy} -> dx = dy where x > 0, in
 * one SIMD pass (relu_grad.as) split over the helper threads.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset } from "../plumbing/own_wasm.ts";
import { rowShares } from "../plumbing/row_shares.ts";
import { runShares } from "../plumbing/helper_threads.ts";

/** Kernel name (shared with the op in relu_gradient.ts). */
export const RELU_GRAD = "ColourlabReluGrad";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

function reluGrad(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
  const dx = backend.makeOutput(x.shape, "float32");
  parallelReluGrad(
    backend,
    heapOffset(backend, x.dataId),
    heapOffset(backend, dy.dataId),
    heapOffset(backend, dx.dataId),
    tf.util.sizeFromShape(x.shape),
  );
  return dx;
}

/** The kernel config for the wasm backend. */
export const reluGradConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: "wasm",
  kernelFunc: reluGrad as unknown as tf.KernelFunc,
};

/** dx = dy where x > 0, else 0, over n elements. */
function parallelReluGrad(
  backend: BackendWasm,
  x: number,
  dy: number,
  dx: number,
  n: number,
): void {
  const { kernels, helpers, ranges } = rowShares(backend, n, 1, 4);
  runShares(
    kernels,
    helpers,
    "reluGrad",
    ranges.map(([i0, i1]) => [x + 4 * i0, dy + 4 * i0, dx + 4 * i0, i1 - i0]),
  );
}
