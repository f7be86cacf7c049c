/**
 * The filter gradient of 3x3, stride 1, undilated convolutions on the wasm
 * heap by Winograd F(4x4, 3x3) (winograd_filter_grad.as): the 4x4 output
 * tiles are cut into chunks (their number fixed by the thread count alone,
 * so results never depend on timing), each accumulating its own transformed
 * gradient dU; the chunks' dU are added in chunk order and turned into dW
 * once.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { ConvGeometry } from "./conv_geometry.ts";
import { runChunks } from "../plumbing/helper_threads.ts";
import { heapAlloc, heapOffset } from "../plumbing/own_wasm.ts";
import {
  BLOCK_TILES_GRAD,
  gradScratchBytes,
  tileCount4,
  winogradGradArgs,
} from "./winograd.ts";
import { tileChunks } from "./wasm_conv2d.ts";
import { addPartials } from "../reduce/wasm_add_partials.ts";

/** Tile chunks per thread (a descheduled thread holds up one chunk). */
const CHUNKS_PER_THREAD = 2;

/**
 * dW [3, 3, C, K] of x and dy into a new tensor, for a geometry where
 * winogradApplies(). `xs` is the input, or two inputs read as their
 * concatenation on the channel axis (g.inC is the sum of their channels).
 */
export function winogradFilterGradWasm(
  backend: BackendWasm,
  xs: tf.TensorInfo[],
  dy: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const out = backend.makeOutput([3, 3, g.inC, g.outC], "float32");
  const { memory, kernels, helpers, chunks } = tileChunks(
    backend,
    tileCount4(g),
    CHUNKS_PER_THREAD,
    BLOCK_TILES_GRAD,
  );
  const uFloats = 36 * g.inC * g.outC;
  const scratchBytes = gradScratchBytes(g);
  // Per chunk its dU and its scratch, then a zero row (also the final
  // transform's 288-byte temporary, after the zeros).
  const zeroFloats = Math.max(g.inC, g.outC);
  const heap = heapAlloc(backend);
  const base = heap.malloc(
    chunks.length * (4 * uFloats + scratchBytes) + 4 * zeroFloats + 288,
  );
  const du = (i: number) => base + i * 4 * uFloats;
  const scratch = (i: number) =>
    base + chunks.length * 4 * uFloats + i * scratchBytes;
  const zero = base + chunks.length * (4 * uFloats + scratchBytes);
  const f32 = (p: number, n: number) => new Float32Array(memory.buffer, p, n);
  try {
    f32(base, chunks.length * uFloats).fill(0);
    f32(zero, zeroFloats).fill(0);
    const x1 = heapOffset(backend, xs[0].dataId);
    const ptrs = {
      x1,
      x2: xs.length > 1 ? heapOffset(backend, xs[1].dataId) : x1,
      dy: heapOffset(backend, dy.dataId),
      zero,
    };
    runChunks(
      kernels,
      helpers,
      "winograd4GradU",
      chunks.map(([t0, t1], i) =>
        winogradGradArgs(
          { ...ptrs, du: du(i), scratch: scratch(i) },
          xs[0].shape[3],
          t0,
          t1,
          g,
        )
      ),
      (i) => f32(du(i), uFloats).fill(0),
    );
    addPartials(backend, base, uFloats, chunks.length);
    kernels.winograd4FilterFromGrad(
      du(0),
      heapOffset(backend, out.dataId),
      zero + 4 * zeroFloats,
      g.inC,
      g.outC,
    );
  } finally {
    heap.free(base);
  }
  return out;
}
