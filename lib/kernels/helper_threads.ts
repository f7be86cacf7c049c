/**
 * Splits the project's own kernels over the cores: the main thread takes one
 * share of the work, helper threads (helper_worker.ts) the others, all on the
 * threaded wasm backend's shared heap. Only where that heap is shared memory
 * and the backend runs more than one thread; otherwise there are no helpers
 * and callers run everything themselves.
 *
 * A job is a kernel name and its arguments, all non-negative integers
 * (pointers, sizes; float parameters are passed as 1 and applied by the
 * caller), written into a shared Int32Array: [0] sequence number (the helper
 * waits on it), [1] the last sequence done, [2] kernel id, [3..] arguments,
 * [31] 1 once the helper is ready, -1 if it died.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import type { OwnWasmExports } from "./own_wasm.ts";

/** One started helper. */
export interface Helper {
  ctl: Int32Array;
  seq: number;
}

const READY = 31;

/** The kernels a helper can run, by id (the index). */
export const HELPER_KERNELS = [
  "filterGrad",
  "columnSums",
  "columnCentredDots",
  "channelAffine",
  "reluGrad",
  "maxPool2x2Grad",
  "upsample2x",
  "softmaxXent",
] as const;

/** A kernel a helper can run. */
export type HelperKernel = typeof HELPER_KERNELS[number];

const pools = new WeakMap<WebAssembly.Memory, Helper[]>();

/**
 * The ready helpers for `memory` (started on first use: `threads - 1` of
 * them), or none when the memory is not shared or `threads` is 1.
 *
 * @see issue 3 item 2 (all cores)
 */
export function helpersFor(
  memory: WebAssembly.Memory,
  threads: number,
): Helper[] {
  const shared = typeof SharedArrayBuffer !== "undefined" &&
    memory.buffer instanceof SharedArrayBuffer;
  if (!shared || threads <= 1) return [];
  let pool = pools.get(memory);
  if (!pool) {
    pool = [];
    try {
      for (let i = 0; i < threads - 1; i++) {
        const ctl = new Int32Array(new SharedArrayBuffer(32 * 4));
        const worker = new Worker(
          new URL("./helper_worker.ts", import.meta.url),
        );
        worker.on("error", () => Atomics.store(ctl, READY, -1));
        worker.postMessage({ ctl, memory });
        worker.unref();
        pool.push({ ctl, seq: 0 });
      }
    } catch {
      pool = []; // e.g. no permission to start a worker: run single-threaded
    }
    pools.set(memory, pool);
  }
  // Until a helper has compiled its kernels (or if it died) it takes no work.
  return pool.filter((h) => Atomics.load(h.ctl, READY) === 1);
}

/** Posts a job to a helper. */
export function post(
  helper: Helper,
  kernel: HelperKernel,
  args: number[],
): void {
  helper.ctl[2] = HELPER_KERNELS.indexOf(kernel);
  for (let i = 0; i < args.length; i++) helper.ctl[3 + i] = args[i] | 0;
  helper.seq++;
  Atomics.store(helper.ctl, 0, helper.seq);
  Atomics.notify(helper.ctl, 0);
}

/**
 * Blocks until the helper has finished its last job; false if it died
 * instead (the caller then does that share itself).
 */
export function join(helper: Helper): boolean {
  while (Atomics.load(helper.ctl, 1) !== helper.seq) {
    if (Atomics.load(helper.ctl, READY) === -1) return false;
    Atomics.wait(helper.ctl, 1, Atomics.load(helper.ctl, 1), 100);
  }
  return true;
}

/** Calls a kernel by name with integer arguments. */
export function callKernel(
  kernels: OwnWasmExports,
  kernel: HelperKernel,
  args: number[],
): void {
  (kernels[kernel] as (...a: number[]) => unknown)(...args);
}

/**
 * Runs one job per share: shares[0] on this thread, the others on helpers
 * (or here, when a helper is missing or died; `reset(i)` then runs first,
 * for kernels that accumulate into their output). `shares.length` should
 * not exceed the number of helpers + 1.
 */
export function runShares(
  kernels: OwnWasmExports,
  helpers: Helper[],
  kernel: HelperKernel,
  shares: number[][],
  reset?: (share: number) => void,
): void {
  const posted = shares.slice(1).map((args, i) => {
    if (i < helpers.length) post(helpers[i], kernel, args);
    return i < helpers.length;
  });
  callKernel(kernels, kernel, shares[0]);
  shares.slice(1).forEach((args, i) => {
    if (posted[i] && join(helpers[i])) return;
    reset?.(i + 1);
    callKernel(kernels, kernel, args);
  });
}

/**
 * Splits [0, n) into at most `parts` contiguous ranges with starts at
 * multiples of `align` (empty ranges dropped).
 */
export function splitRange(
  n: number,
  parts: number,
  align = 1,
): [number, number][] {
  const step = Math.ceil(n / parts / align) * align;
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += step) out.push([s, Math.min(n, s + step)]);
  return out;
}
