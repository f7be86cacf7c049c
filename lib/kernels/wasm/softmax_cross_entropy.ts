/**
 * ColourlabSoftmaxXent for the wasm backend: {logits [P, C] float32, labels
 * [P] int32} -> [mean cross-entropy (scalar), gradient (softmax - onehot) / P
 * [P, C]] in one SIMD pass (C a multiple of 4).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  backendMemory,
  heapAlloc,
  heapOffset,
  kernelsFor,
} from "../own_wasm.ts";

/** Kernel name (shared with the op in ../softmax_cross_entropy.ts). */
export const SOFTMAX_XENT = "ColourlabSoftmaxXent";

function softmaxXent(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown },
): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { logits, labels } = args.inputs as Record<string, tf.TensorInfo>;
  const [rows, C] = logits.shape;
  const grad = backend.makeOutput([rows, C], "float32");
  const heap = heapAlloc(backend);
  const stats = heap.malloc(8 * rows);
  const bad = kernelsFor(backendMemory(backend)).softmaxXent(
    heapOffset(backend, logits.dataId),
    heapOffset(backend, labels.dataId),
    heapOffset(backend, grad.dataId),
    stats,
    rows,
    C,
  );
  let total = 0;
  if (bad === 0) {
    const s = new Float32Array(backendMemory(backend).buffer, stats, 2 * rows);
    for (let r = 0; r < rows; r++) total += Math.log(s[r]) + s[rows + r];
  }
  heap.free(stats);
  if (bad !== 0) {
    backend.disposeData(grad.dataId);
    const label =
      (backend.typedArrayFromHeap(labels) as Int32Array)[rows - bad];
    throw new RangeError(
      `softmax cross-entropy: label ${label} at pixel ${
        rows - bad
      } is outside [0, ${C})`,
    );
  }
  const loss = backend.makeOutput([], "float32");
  (backend.typedArrayFromHeap(loss) as Float32Array)[0] = total / rows;
  return [loss, grad];
}

/**
 * The kernel config for the wasm backend.
 *
 * @see issue 3 item 2 (the loss)
 */
export const softmaxXentConfig: tf.KernelConfig = {
  kernelName: SOFTMAX_XENT,
  backendName: "wasm",
  kernelFunc: softmaxXent as unknown as tf.KernelFunc,
};
