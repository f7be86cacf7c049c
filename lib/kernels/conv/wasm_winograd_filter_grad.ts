/**
 * The filter gradient of 3x3, stride 1, undilated convolutions on the wasm
 * heap by Winograd F(2x2, 3x3) (gemm.as): the 2x2 output tiles are cut
 * into chunks (their number fixed by the thread count alone, so results
 * never depend on timing), each accumulating its own transformed gradient
 * dU; the chunks' dU are added in chunk order and turned into dW once.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { ConvGeometry } from "./conv_geometry.ts";
import { runChunks } from "../plumbing/helper_threads.ts";
import { heapAlloc, heapOffset } from "../plumbing/own_wasm.ts";
import {
  BLOCK_TILES,
  blockScratchBytes,
  tileCount,
  winogradGradArgs,
} from "./winograd.ts";
import { tileChunks } from "./wasm_conv2d.ts";

/** Tile chunks per thread (a descheduled thread holds up one chunk). */
const CHUNKS_PER_THREAD = 2;

/**
 * dW [3, 3, C, K] of x and dy into a new tensor, for a geometry where
 * winogradApplies().
 */
export function winogradFilterGradWasm(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const out = backend.makeOutput([3, 3, g.inC, g.outC], "float32");
  const { memory, kernels, helpers, chunks } = tileChunks(
    backend,
    tileCount(g),
    CHUNKS_PER_THREAD,
    BLOCK_TILES,
  );
  const uFloats = 16 * g.inC * g.outC;
  const scratchBytes = blockScratchBytes(g);
  const heap = heapAlloc(backend);
  const base = heap.malloc(
    chunks.length * (4 * uFloats + scratchBytes) + 4 * g.inC,
  );
  const du = (i: number) => base + i * 4 * uFloats;
  const scratch = (i: number) =>
    base + chunks.length * 4 * uFloats + i * scratchBytes;
  const zero = base + chunks.length * (4 * uFloats + scratchBytes);
  const f32 = (p: number, n: number) => new Float32Array(memory.buffer, p, n);
  try {
    f32(base, chunks.length * uFloats).fill(0);
    f32(zero, g.inC).fill(0);
    const x0 = heapOffset(backend, x.dataId);
    const dy0 = heapOffset(backend, dy.dataId);
    runChunks(
      kernels,
      helpers,
      "winogradGradU",
      chunks.map(([t0, t1], i) =>
        winogradGradArgs(
          { x: x0, dy: dy0, du: du(i), zero, scratch: scratch(i) },
          t0,
          t1,
          g,
        )
      ),
      (i) => f32(du(i), uFloats).fill(0),
    );
    const total = f32(du(0), uFloats);
    for (let i = 1; i < chunks.length; i++) {
      const part = f32(du(i), uFloats);
      for (let j = 0; j < uFloats; j++) total[j] += part[j];
    }
    kernels.winogradFilterFromGrad(
      du(0),
      heapOffset(backend, out.dataId),
      g.inC,
      g.outC,
    );
  } finally {
    heap.free(base);
  }
  return out;
}
