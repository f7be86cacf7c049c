/**
 * How the memory-bound own kernels (column sums, BatchNorm's passes, ReLU
 * and max-pool gradients, upsampling, the softmax cross-entropy) share their
 * rows with the helper threads of the threaded wasm backend
 * (helper_threads.ts): one share per thread, or one share on this thread
 * when there are no helpers or the tensor is small.
 *
 * @module
 */
import {
  type BackendWasm,
  getThreadsCount,
} from "@tensorflow/tfjs-backend-wasm";
import { type Helper, helpersFor, splitRange } from "./helper_threads.ts";
import { backendMemory, kernelsFor, type OwnWasmExports } from "./own_wasm.ts";

/** Below this many elements a second thread costs more than it saves. */
const MIN_PARALLEL = 1 << 16;

/** What {@link rowShares} returns: where to run the shares, and their rows. */
export interface RowShares {
  memory: WebAssembly.Memory;
  kernels: OwnWasmExports;
  helpers: Helper[];
  /** Contiguous [start, end) row ranges, one per share. */
  ranges: [number, number][];
}

/**
 * Kernels, helpers and row ranges for `rows` rows of `cols` elements, range
 * starts at multiples of `align`.
 */
export function rowShares(
  backend: BackendWasm,
  rows: number,
  cols: number,
  align = 1,
): RowShares {
  const memory = backendMemory(backend);
  const kernels = kernelsFor(memory);
  const helpers = rows * cols >= MIN_PARALLEL
    ? helpersFor(memory, getThreadsCount())
    : [];
  const ranges = splitRange(rows, helpers.length + 1, align);
  return { memory, kernels, helpers, ranges };
}
