/**
 * SplitV and Concat for the wasm backend as block copies of columns (one
 * memory.copy per row, on the backend's heap), and Slice of a contiguous
 * run as one copy. The backend's SplitV runs
 * one generic Slice per part, and its Concat copies row by row in JS; the
 * UNet's skip connections (and their gradients) use both on every step.
 * Strings and bools go to the backend's own kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { backendMemory, heapOffset, kernelsFor } from "../plumbing/own_wasm.ts";

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
  const kernels = kernelsFor(backendMemory(backend));
  let c0 = 0;
  return sizes.map((s) => {
    const shape = x.shape.slice();
    shape[a] = s;
    const out = backend.makeOutput(shape, x.dtype);
    const width = s * inner;
    if (width > 0 && rows > 0) {
      kernels.copyColumns(
        heapOffset(backend, x.dataId),
        heapOffset(backend, out.dataId),
        rows,
        cols,
        width,
        c0,
        0,
        width,
      );
    }
    c0 += width;
    return out;
  });
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
  const kernels = kernelsFor(backendMemory(backend));
  let c0 = 0;
  for (const t of nonEmpty) {
    const width = rowsCols(t.shape, a)[1];
    kernels.copyColumns(
      heapOffset(backend, t.dataId),
      heapOffset(backend, out.dataId),
      rows,
      width,
      cols,
      0,
      c0,
      width,
    );
    c0 += width;
  }
  return out;
}

/**
 * A slice that is one contiguous run of x (e.g. the first images of a batch)
 * copies just that run: the backend's own Slice reads all of x out of the
 * heap first (a 9.8 MB copy to take one image of the models' logits).
 */
function slice(args: KernelArgs, fallback: tf.KernelFunc): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { begin, size } = args.attrs as unknown as {
    begin: number | number[];
    size: number | number[];
  };
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  if (
    !FOUR_BYTES.has(x.dtype) || !tf.slice_util.isSliceContinous(x.shape, b, s)
  ) {
    return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const out = backend.makeOutput(s, x.dtype);
  const n = tf.util.sizeFromShape(s);
  if (n === 0) return out;
  const offset = tf.slice_util.computeFlatOffset(
    b,
    tf.util.computeStrides(x.shape),
  );
  const memory = backendMemory(backend);
  const from = heapOffset(backend, x.dataId) + 4 * offset;
  new Uint8Array(memory.buffer, heapOffset(backend, out.dataId), 4 * n).set(
    new Uint8Array(memory.buffer, from, 4 * n),
  );
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
