/**
 * Sum and Mean for the wasm backend when the reduced axes are the leading
 * ones (e.g. [0, 1, 2] of NHWC: BatchNorm statistics and gradients, bias
 * gradients) or all axes: column sums with the project's SIMD kernel, on the
 * backend's heap. The backend's own kernels transpose first; every other
 * case still goes to them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { backendMemory, heapAlloc, heapOffset } from "../plumbing/own_wasm.ts";
import { rowShares } from "../plumbing/row_shares.ts";
import { runShares } from "../plumbing/helper_threads.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
};

/** Rows x columns view of a leading-axes reduction, or null if it is not one. */
export function leadingReduction(
  shape: readonly number[],
  axis: number | number[],
): { rows: number; cols: number; full: boolean; axes: number[] } | null {
  const axes = tf.util.parseAxisParam(axis, shape as number[]).sort((a, b) =>
    a - b
  );
  if (axes.length === 0 || axes.some((a, i) => a !== i)) return null;
  const rows = shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
  const cols = shape.slice(axes.length).reduce((a, b) => a * b, 1);
  if (axes.length < shape.length) return { rows, cols, full: false, axes };
  // A full reduction: column sums of [size / 16, 16], then 16 values in JS.
  if (rows % 16 !== 0 || rows < 64) return null;
  return { rows: rows / 16, cols: 16, full: true, axes };
}

function makeReduce(name: "Sum" | "Mean"): tf.KernelConfig {
  const builtin = tf.getKernel(name, "wasm");
  if (!builtin) throw new Error(`wasm backend not loaded: no ${name} kernel`);
  const fallback = builtin.kernelFunc;
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as {
      axis: number | number[];
      keepDims: boolean;
    };
    const r = x.dtype === "float32" ? leadingReduction(x.shape, axis) : null;
    if (!r) {
      return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
    const outShape = keepDims
      ? x.shape.map((d, i) => (r.axes.includes(i) ? 1 : d))
      : x.shape.slice(r.axes.length);
    const count = r.full ? r.rows * 16 : r.rows;
    const scale = name === "Mean" ? 1 / count : 1;
    const out = backend.makeOutput(outShape, "float32");
    const xPtr = heapOffset(backend, x.dataId);
    if (!r.full) {
      columnSums(
        backend,
        xPtr,
        heapOffset(backend, out.dataId),
        r.rows,
        r.cols,
        scale,
      );
    } else {
      // 16 column sums (each rounded once from float64), then their total.
      const heap = heapAlloc(backend);
      const partial = heap.malloc(64);
      columnSums(backend, xPtr, partial, r.rows, 16, 1);
      const sums = new Float32Array(backendMemory(backend).buffer, partial, 16);
      let total = 0;
      for (let i = 0; i < 16; i++) total += sums[i];
      (backend.typedArrayFromHeap(out) as Float32Array)[0] = total * scale;
      heap.free(partial);
    }
    return out;
  };
  return {
    kernelName: name,
    backendName: "wasm",
    setupFunc: builtin.setupFunc,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  };
}

/**
 * Kernel configs replacing the wasm backend's Sum and Mean (created after
 * the backend is imported: they keep its kernels for the other cases).
 */
export function reduceLeadingConfigs(): tf.KernelConfig[] {
  return [makeReduce("Sum"), makeReduce("Mean")];
}

/**
 * out[c] = scale * sum_r x[r, c] ([rows, C] at byte offset x).
 */
export function columnSums(
  backend: BackendWasm,
  x: number,
  out: number,
  rows: number,
  C: number,
  scale: number,
): void {
  const { memory, kernels, helpers, ranges } = rowShares(backend, rows, C);
  const heap = heapAlloc(backend);
  if (ranges.length <= 1) {
    const tmp = heap.malloc(12 * C + 8);
    kernels.columnSums(x, out, tmp, rows, C, scale);
    heap.free(tmp);
    return;
  }
  // Per share: C float32 sums, then (8-byte aligned) 12 * C bytes of scratch.
  const bufs = ranges.map(() => heap.malloc(20 * C + 8));
  runShares(
    kernels,
    helpers,
    "columnSums",
    ranges.map((
      [r0, r1],
      i,
    ) => [x + r0 * C * 4, bufs[i], bufs[i] + 8 * C, r1 - r0, C, 1]),
  );
  const result = new Float32Array(memory.buffer, out, C);
  const parts = bufs.map((b) => new Float32Array(memory.buffer, b, C));
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (const p of parts) s += p[c];
    result[c] = s * scale;
  }
  bufs.forEach((b) => heap.free(b));
}
