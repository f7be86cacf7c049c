/**
 * Conv2DBackpropFilter for the wasm backend (which has none), with the
 * `dilations` attribute honoured (tfjs's op never passes it; the project's
 * Conv2D gradient does): Winograd F(4x4, 3x3) for 3x3 undilated stride-1
 * filters (winograd_filter_grad.ts), else a direct SIMD kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  type BackendWasm,
  getThreadsCount,
} from "@tensorflow/tfjs-backend-wasm";
import {
  type ConvAttrs,
  type ConvGeometry,
  convGeometry,
} from "./conv_geometry.ts";
import { helpersFor, runChunks } from "../plumbing/helper_threads.ts";
import { winogradApplies } from "./winograd.ts";
import { winogradFilterGradWasm } from "./wasm_winograd_filter_grad.ts";
import type { OwnWasmExports } from "../plumbing/own_wasm.ts";
import {
  backendMemory,
  heapAlloc,
  heapOffset,
  kernelsFor,
} from "../plumbing/own_wasm.ts";

/** The kernel's arguments for images [n0, n1) (see direct_filter_grad.as). */
export function filterGradArgs(
  x: number,
  dy: number,
  dw: number,
  n0: number,
  n1: number,
  g: ConvGeometry,
): Parameters<OwnWasmExports["filterGrad"]> {
  return [
    x,
    dy,
    dw,
    n0,
    n1,
    g.inH,
    g.inW,
    g.inC,
    g.outH,
    g.outW,
    g.outC,
    g.kH,
    g.kW,
    g.strideH,
    g.strideW,
    g.dilationH,
    g.dilationW,
    g.padTop,
    g.padLeft,
  ];
}

/**
 * Chunks of the batch per thread: a thread slowed down by other processes
 * holds up at most one chunk (the others claim the rest).
 */
const CHUNKS_PER_THREAD = 2;

function conv2dBackpropFilter(
  args: {
    inputs: tf.NamedTensorInfoMap;
    attrs?: tf.NamedAttrMap;
    backend: unknown;
  },
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & {
    filterShape: [number, number, number, number];
    dataFormat?: string;
  };
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") {
    throw new Error(
      `Conv2DBackpropFilter (wasm): dataFormat ${attrs.dataFormat}`,
    );
  }
  const g = convGeometry(x.shape, attrs.filterShape, attrs);
  if (winogradApplies(g)) return winogradFilterGradWasm(backend, [x], dy, g);
  // The SIMD kernel reads x and dy on the backend's heap and accumulates
  // into the output tensor's memory. With helper threads the batch is cut
  // into chunks (their number fixed by the thread count alone, so results
  // never depend on timing), each into its own partial buffer, added in
  // chunk order at the end.
  const out = backend.makeOutput(attrs.filterShape, "float32");
  const memory = backendMemory(backend);
  const helpers = helpersFor(memory, getThreadsCount());
  const chunks = helpers.length === 0
    ? 1
    : Math.min(g.batch, CHUNKS_PER_THREAD * (helpers.length + 1));
  const size = tf.util.sizeFromShape(attrs.filterShape);
  const heap = heapAlloc(backend);
  const partials = Array.from(
    { length: chunks - 1 },
    () => heap.malloc(size * 4),
  );
  const ptr = (p: number, n = size) => new Float32Array(memory.buffer, p, n);
  const dw = heapOffset(backend, out.dataId);
  for (const p of [dw, ...partials]) ptr(p).fill(0);
  const x0 = heapOffset(backend, x.dataId);
  const dy0 = heapOffset(backend, dy.dataId);
  const share = Math.ceil(g.batch / chunks);
  const targets = [dw, ...partials];
  runChunks(
    kernelsFor(memory),
    helpers,
    "filterGrad",
    targets.map((t, i) =>
      filterGradArgs(
        x0,
        dy0,
        t,
        Math.min(g.batch, share * i),
        Math.min(g.batch, share * (i + 1)),
        g,
      )
    ),
    (i) => ptr(targets[i]).fill(0),
  );
  const total = ptr(dw);
  for (const p of partials) {
    const part = ptr(p);
    for (let j = 0; j < size; j++) total[j] += part[j];
    heap.free(p);
  }
  return out;
}

/**
 * The kernel config (register with tf.registerKernel before setBackend).
 */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
