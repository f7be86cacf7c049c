/**
 * MaxPool for the wasm backend: 2x2, stride 2, 'valid', float32 NHWC of
 * even height (the models' pooling) in one SIMD pass (max_pool.as), rows
 * split over the helper threads; every other pooling goes to the backend's
 * own kernel (XNNPACK, which costs several times more CPU in the threaded
 * build).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset } from "../plumbing/own_wasm.ts";
import { rowShares } from "../plumbing/row_shares.ts";
import { runShares } from "../plumbing/helper_threads.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
};

const two = (v: number | number[] | undefined) =>
  v !== undefined && [v].flat().every((n) => n === 2);

function maxPool(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args
    .attrs as unknown as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: unknown;
      dimRoundingMode?: string;
    };
  const [N, H, W, C] = x.shape;
  // Even heights only: output rows then sit two input rows apart across
  // images too (an odd width just leaves the last column out).
  if (
    x.dtype !== "float32" || x.shape.length !== 4 || !two(filterSize) ||
    !two(strides) || pad !== "valid" || dimRoundingMode !== undefined ||
    H % 2 !== 0 || W < 2
  ) {
    return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const [OH, OW] = [H >> 1, W >> 1];
  const y = backend.makeOutput([N, OH, OW, C], "float32");
  if (N * OH * OW * C === 0) return y;
  const xRowB = 4 * W * C;
  const yRowB = 4 * OW * C;
  const src = heapOffset(backend, x.dataId);
  const dst = heapOffset(backend, y.dataId);
  const { kernels, helpers, ranges } = rowShares(backend, N * OH, 4 * OW * C);
  runShares(
    kernels,
    helpers,
    "maxPool2x2",
    ranges.map((
      [r0, r1],
    ) => [src + 2 * r0 * xRowB, dst + r0 * yRowB, r1 - r0, OW, C, xRowB]),
  );
  return y;
}

/** The MaxPool config; create it after the backend is imported. */
export function maxPoolConfig(): tf.KernelConfig {
  const builtin = tf.getKernel("MaxPool", "wasm");
  if (!builtin) throw new Error("wasm backend not loaded: no MaxPool kernel");
  return {
    kernelName: "MaxPool",
    backendName: "wasm",
    setupFunc: builtin.setupFunc,
    kernelFunc:
      ((args: KernelArgs) =>
        maxPool(args, builtin.kernelFunc)) as unknown as tf.KernelFunc,
  };
}
