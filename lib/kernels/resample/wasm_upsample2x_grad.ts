/**
 * ColourlabUpsample2xGrad for the wasm backend: {dy [N, 2H, 2W, C]} -> dx
 * [N, H, W, C], the sum of each 2x2 block, in one SIMD pass
 * (upsample2x_grad.as) on the backend's heap, rows split over the helper
 * threads.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { UPSAMPLE_2X_GRAD } from "../kernel_names.ts";
import { heapOffset } from "../plumbing/own_wasm.ts";
import { rowShares } from "../plumbing/row_shares.ts";
import { runShares } from "../plumbing/helper_threads.ts";

function upsample2xGrad(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown },
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy } = args.inputs as { dy: tf.TensorInfo };
  const [N, H2, W2, C] = dy.shape;
  const [OH, OW] = [H2 >> 1, W2 >> 1];
  const dx = backend.makeOutput([N, OH, OW, C], "float32");
  const { kernels, helpers, ranges } = rowShares(backend, N * OH, 4 * OW * C);
  const dyRow = 4 * 2 * 2 * OW * C; // bytes of the two dy rows behind one dx row
  const dxRow = 4 * OW * C;
  const src = heapOffset(backend, dy.dataId);
  const dst = heapOffset(backend, dx.dataId);
  runShares(
    kernels,
    helpers,
    "upsample2xGrad",
    ranges.map(([r0, r1]) => [
      src + r0 * dyRow,
      dst + r0 * dxRow,
      r1 - r0,
      OW,
      C,
    ]),
  );
  return dx;
}

/** The kernel config for the wasm backend. */
export const upsample2xGradConfig: tf.KernelConfig = {
  kernelName: UPSAMPLE_2X_GRAD,
  backendName: "wasm",
  kernelFunc: upsample2xGrad as unknown as tf.KernelFunc,
};
