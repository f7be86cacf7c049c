/**
 * The ReLU for the wasm backend: Relu (float32; replacing the backend's
 * scalar loop on one thread) and ColourlabReluGrad {x, dy} -> dx = dy where
 * x > 0, each one SIMD pass (relu.as, relu_grad.as) split over the helper
 * threads.
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

function relu(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype !== "float32") {
    return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const y = backend.makeOutput(x.shape, "float32");
  const n = tf.util.sizeFromShape(x.shape);
  const { kernels, helpers, ranges } = rowShares(backend, n, 1, 4);
  const src = heapOffset(backend, x.dataId);
  const dst = heapOffset(backend, y.dataId);
  runShares(
    kernels,
    helpers,
    "relu",
    ranges.map(([i0, i1]) => [src + 4 * i0, dst + 4 * i0, i1 - i0]),
  );
  return y;
}

/**
 * The Relu kernel config, replacing the backend's (kept for other dtypes);
 * create it after the backend is imported.
 */
export function reluConfig(): tf.KernelConfig {
  const builtin = tf.getKernel("Relu", "wasm");
  if (!builtin) throw new Error("wasm backend not loaded: no Relu kernel");
  return {
    kernelName: "Relu",
    backendName: "wasm",
    setupFunc: builtin.setupFunc,
    kernelFunc:
      ((args: KernelArgs) =>
        relu(args, builtin.kernelFunc)) as unknown as tf.KernelFunc,
  };
}

/** The ReLU gradient's kernel config for the wasm backend. */
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
