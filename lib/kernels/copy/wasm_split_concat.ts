/**
 * SplitV, Concat and Slice for the wasm backend as block copies of columns
 * (copy_columns.as, on the backend's heap, rows split over the helper
 * threads). The backend's SplitV runs one generic Slice per part, its Concat
 * copies row by row in JS, and its Slice reads all of its input out of the
 * heap first; the UNet's skip connections (and their gradients,
 * concat_gradient.ts) use all three on every step. Slices that are one
 * contiguous run, or a block of columns (every axis whole but one), are
 * copied here; others, and strings and bools, go to the backend's own
 * kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { backendMemory, heapOffset } from "../plumbing/own_wasm.ts";
import { runShares } from "../plumbing/helper_threads.ts";
import { rowShares } from "../plumbing/row_shares.ts";

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap | tf.TensorInfo[];
  attrs?: tf.NamedAttrMap;
  backend: unknown;
};

/** The dtypes whose elements are 4 bytes (bool is 1, strings are not on the heap). */
const FOUR_BYTES = new Set(["float32", "int32"]);

/** Rows (dimensions before `axis`) and columns (the rest) of a shape. */
function rowsCols(shape: readonly number[], axis: number): [number, number] {
  return [
    tf.util.sizeFromShape(shape.slice(0, axis)),
    tf.util.sizeFromShape(shape.slice(axis)),
  ];
}

/** A block of columns: dst[r, dstC0 + i] = src[r, srcC0 + i], i < width. */
interface ColumnCopy {
  src: number;
  dst: number;
  srcCols: number;
  dstCols: number;
  srcC0: number;
  dstC0: number;
  width: number;
}

/** Runs `copies` (each over all `rows`), the rows split over the threads. */
function copyColumns(
  backend: BackendWasm,
  rows: number,
  copies: ColumnCopy[],
): void {
  const width = copies.reduce((s, c) => s + c.width, 0);
  if (rows === 0 || width === 0) return;
  const { kernels, helpers, ranges } = rowShares(backend, rows, width);
  for (const c of copies) {
    if (c.width === 0) continue;
    runShares(
      kernels,
      helpers,
      "copyColumns",
      ranges.map(([r0, r1]) => [
        c.src + 4 * r0 * c.srcCols,
        c.dst + 4 * r0 * c.dstCols,
        r1 - r0,
        c.srcCols,
        c.dstCols,
        c.srcC0,
        c.dstC0,
        c.width,
      ]),
    );
  }
}

function splitV(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (!FOUR_BYTES.has(x.dtype)) {
    return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo[];
  }
  const { numOrSizeSplits, axis } = args.attrs as unknown as {
    numOrSizeSplits: number | number[];
    axis: number | number[];
  };
  const a = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.Tensor,
    numOrSizeSplits,
    a,
  );
  const [rows, cols] = rowsCols(x.shape, a);
  const inner = cols / x.shape[a];
  const src = heapOffset(backend, x.dataId);
  const copies: ColumnCopy[] = [];
  let c0 = 0;
  const outs = sizes.map((s) => {
    const shape = x.shape.slice();
    shape[a] = s;
    const out = backend.makeOutput(shape, x.dtype);
    const width = s * inner;
    copies.push({
      src,
      dst: heapOffset(backend, out.dataId),
      srcCols: cols,
      dstCols: width,
      srcC0: c0,
      dstC0: 0,
      width,
    });
    c0 += width;
    return out;
  });
  copyColumns(backend, rows, copies);
  return outs;
}

function concat(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const inputs =
    (Array.isArray(args.inputs)
      ? args.inputs
      : Object.values(args.inputs)) as tf.TensorInfo[];
  const nonEmpty = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  if (nonEmpty.length < 2 || !FOUR_BYTES.has(nonEmpty[0].dtype)) {
    return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const { axis } = args.attrs as unknown as { axis: number | number[] };
  const a = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
  tf.backend_util.assertParamsConsistent(inputs.map((t) => t.shape), a);
  const outShape = tf.backend_util.computeOutShape(
    inputs.map((t) => t.shape),
    a,
  );
  const out = backend.makeOutput(outShape, nonEmpty[0].dtype);
  const [rows, cols] = rowsCols(outShape, a);
  const dst = heapOffset(backend, out.dataId);
  let c0 = 0;
  const copies = nonEmpty.map((t) => {
    const width = rowsCols(t.shape, a)[1];
    const copy = {
      src: heapOffset(backend, t.dataId),
      dst,
      srcCols: width,
      dstCols: cols,
      srcC0: 0,
      dstC0: c0,
      width,
    };
    c0 += width;
    return copy;
  });
  copyColumns(backend, rows, copies);
  return out;
}

/**
 * The one axis along which a slice is partial, when every other axis is
 * whole (-1: none is partial; null: more than one).
 */
function partialAxis(
  shape: readonly number[],
  begin: number[],
  size: number[],
): number | null {
  let axis = -1;
  for (let i = 0; i < shape.length; i++) {
    if (begin[i] === 0 && size[i] === shape[i]) continue;
    if (axis !== -1) return null;
    axis = i;
  }
  return axis;
}

function slice(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { begin, size } = args.attrs as unknown as {
    begin: number | number[];
    size: number | number[];
  };
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  if (!FOUR_BYTES.has(x.dtype)) {
    return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const contiguous = tf.slice_util.isSliceContinous(x.shape, b, s);
  const axis = contiguous ? -1 : partialAxis(x.shape, b, s);
  if (axis === null) {
    return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const out = backend.makeOutput(s, x.dtype);
  const n = tf.util.sizeFromShape(s);
  if (n === 0) return out;
  const memory = backendMemory(backend);
  const src = heapOffset(backend, x.dataId);
  const dst = heapOffset(backend, out.dataId);
  if (contiguous) {
    const offset = tf.slice_util.computeFlatOffset(
      b,
      tf.util.computeStrides(x.shape),
    );
    new Uint8Array(memory.buffer, dst, 4 * n).set(
      new Uint8Array(memory.buffer, src + 4 * offset, 4 * n),
    );
    return out;
  }
  // A block of columns: rows = the axes before `axis`, columns = the rest.
  const [rows, cols] = rowsCols(x.shape, axis);
  const inner = cols / x.shape[axis];
  copyColumns(backend, rows, [{
    src,
    dst,
    srcCols: cols,
    dstCols: s[axis] * inner,
    srcC0: b[axis] * inner,
    dstC0: 0,
    width: s[axis] * inner,
  }]);
  return out;
}

/**
 * Kernel configs replacing the wasm backend's SplitV, Concat and Slice
 * (created after the backend is imported).
 */
export function splitConcatConfigs(): tf.KernelConfig[] {
  const own = {
    SplitV: splitV,
    Concat: concat,
    Slice: slice,
  } as const;
  return (Object.keys(own) as (keyof typeof own)[]).map((name) => {
    const builtin = tf.getKernel(name, "wasm");
    if (!builtin) throw new Error(`wasm backend not loaded: no ${name} kernel`);
    const kernelFunc = (args: KernelArgs) =>
      own[name](args, builtin.kernelFunc);
    return {
      kernelName: name,
      backendName: "wasm",
      setupFunc: builtin.setupFunc,
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    };
  });
}
