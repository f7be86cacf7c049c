/**
 * ResizeNearestNeighbor for the wasm backend when it is an exact x2
 * upsampling of float32 NHWC data with tfjs's default rounding (no aligned
 * corners, no half-pixel centres): every output row a SIMD copy (split over
 * helper threads). Other resizes go to the backend's kernel.
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

/**
 * The kernel config (created after the backend is imported: it keeps the
 * backend's kernel for the other cases).
 */
export function resizeNearestConfig(): tf.KernelConfig {
  const builtin = tf.getKernel("ResizeNearestNeighbor", "wasm");
  if (!builtin) {
    throw new Error("wasm backend not loaded: no ResizeNearestNeighbor");
  }
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { images } = args.inputs as { images: tf.TensorInfo };
    const { alignCorners, halfPixelCenters, size } = args.attrs as unknown as {
      alignCorners: boolean;
      halfPixelCenters: boolean;
      size: [number, number];
    };
    const [N, H, W, C] = images.shape;
    const x2 = !alignCorners && !halfPixelCenters &&
      images.dtype === "float32" &&
      size[0] === 2 * H && size[1] === 2 * W && N * H * W * C > 0;
    if (!x2) {
      return builtin.kernelFunc(
        args as Parameters<tf.KernelFunc>[0],
      ) as tf.TensorInfo;
    }
    const out = backend.makeOutput([N, 2 * H, 2 * W, C], "float32");
    upsample2x(
      backend,
      heapOffset(backend, images.dataId),
      heapOffset(backend, out.dataId),
      [
        N,
        H,
        W,
        C,
      ],
    );
    return out;
  };
  return {
    kernelName: "ResizeNearestNeighbor",
    backendName: "wasm",
    setupFunc: builtin.setupFunc,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  };
}

/** Nearest x2 upsampling of NHWC data, split by images and rows. */
function upsample2x(
  backend: BackendWasm,
  src: number,
  dst: number,
  [N, H, W, C]: number[],
): void {
  const { kernels, helpers, ranges } = rowShares(backend, N * H, W * C);
  const inRow = W * C * 4;
  runShares(
    kernels,
    helpers,
    "upsample2x",
    ranges.map((
      [r0, r1],
    ) => [src + r0 * inRow, dst + 4 * r0 * inRow, r1 - r0, 1, W, C]),
  );
}
