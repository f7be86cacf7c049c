/**
 * ColourlabSoftmaxXent for the wasm backend: {logits [P, C] float32, labels
 * [P] int32} -> [mean cross-entropy (scalar), gradient (softmax - onehot) / P
 * [P, C]] in one SIMD pass (C a multiple of 4), split by rows over helper
 * threads.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { backendMemory, heapAlloc, heapOffset } from "../plumbing/own_wasm.ts";
import { rowShares } from "../plumbing/row_shares.ts";
import { runShares } from "../plumbing/helper_threads.ts";

/** Kernel name (shared with the op in ../softmax_cross_entropy.ts). */
export const SOFTMAX_XENT = "ColourlabSoftmaxXent";

function softmaxXent(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown },
): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { logits, labels } = args.inputs as Record<string, tf.TensorInfo>;
  const [rows, C] = logits.shape;
  // Labels are checked here, so that the shares (on helper threads) cannot
  // fail.
  const lab = backend.typedArrayFromHeap(labels) as Int32Array;
  for (let r = 0; r < rows; r++) {
    if (lab[r] < 0 || lab[r] >= C || !Number.isInteger(lab[r])) {
      throw new RangeError(
        `softmax cross-entropy: label ${
          lab[r]
        } at pixel ${r} is outside [0, ${C})`,
      );
    }
  }
  const grad = backend.makeOutput([rows, C], "float32");
  const heap = heapAlloc(backend);
  const stats = heap.malloc(8 * rows);
  const shares = parallelSoftmaxXent(
    backend,
    {
      logits: heapOffset(backend, logits.dataId),
      labels: heapOffset(backend, labels.dataId),
      grad: heapOffset(backend, grad.dataId),
      stats,
    },
    rows,
    C,
  );
  let total = 0;
  for (const [r0, r1] of shares) {
    const n = r1 - r0;
    const s = new Float32Array(
      backendMemory(backend).buffer,
      stats + 8 * r0,
      2 * n,
    );
    for (let r = 0; r < n; r++) total += Math.log(s[r]) + s[n + r];
  }
  heap.free(stats);
  const loss = backend.makeOutput([], "float32");
  (backend.typedArrayFromHeap(loss) as Float32Array)[0] = total / rows;
  return [loss, grad];
}

/**
 * The kernel config for the wasm backend.
 */
export const softmaxXentConfig: tf.KernelConfig = {
  kernelName: SOFTMAX_XENT,
  backendName: "wasm",
  kernelFunc: softmaxXent as unknown as tf.KernelFunc,
};

/**
 * Softmax cross-entropy rows [0, rows) with all labels valid (checked by the
 * caller): gradient, and per share the row stats at stats + 8 * r0 (the
 * share's sums, then its max - x[label]); returns the shares' row ranges.
 */
function parallelSoftmaxXent(
  backend: BackendWasm,
  ptrs: { logits: number; labels: number; grad: number; stats: number },
  rows: number,
  C: number,
): [number, number][] {
  const { kernels, helpers, ranges } = rowShares(backend, rows, C);
  runShares(
    kernels,
    helpers,
    "softmaxXent",
    ranges.map(([r0, r1]) => [
      ptrs.logits + 4 * r0 * C,
      ptrs.labels + 4 * r0,
      ptrs.grad + 4 * r0 * C,
      ptrs.stats + 8 * r0,
      r1 - r0,
      C,
      rows,
    ]),
  );
  return ranges;
}
