/**
 * Splits the project's own kernels over the cores: the main thread takes one
 * share of the work, helper threads (helper_worker.ts) the others, all on the
 * threaded wasm backend's shared heap. Only where that heap is shared memory
 * and the backend runs more than one thread; otherwise there are no helpers
 * and callers run everything themselves.
 *
 * Results never depend on timing: callers split the work by the number of
 * helpers started (`threads - 1`, fixed for the process), not by how many are
 * ready, and add partial results in share order. A share whose helper is not
 * ready (still compiling, or switched off) runs on the calling thread, into
 * the same buffer; a posted share is always waited for, never redone while
 * the helper might still write.
 *
 * A job is a kernel name and its arguments, all non-negative integers
 * (pointers, sizes; float parameters are passed as 1 and applied by the
 * caller), written into a shared Int32Array: [0] sequence number (the helper
 * waits on it), [1] the last sequence done, [2] kernel id, [3..] arguments,
 * [30] 1 if the last job threw (nothing was left running), [31] 1 once the
 * helper is ready, -1 if it died.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import type { OwnWasmExports } from "./own_wasm.ts";

/** One started helper. */
export interface Helper {
  ctl: Int32Array;
  seq: number;
  /** The pool's chunk table (see runChunks), shared by its helpers. */
  table: Int32Array;
}

const CHUNKED = 29;
const FAILED = 30;
const READY = 31;

/** Most chunks of one runChunks job. */
export const MAX_CHUNKS = 64;
const ARGS = CHUNKED - 3;
/** Chunk table: [0] next chunk, [1] count, [2..] done flags, then args. */
const TABLE_ARGS = 2 + MAX_CHUNKS;

/**
 * How long a posted share may take before the process gives up on helpers
 * (generous: a share is milliseconds, but the machine may be swamped).
 */
export const JOIN_TIMEOUT_MS = 120_000;

/**
 * Milliseconds a thread waits awake (spinning) for the next job, or for a
 * helper's result, before it sleeps. A model step is a chain of kernels
 * microseconds apart; a sleeping helper takes longer than that to wake (as
 * PyTorch's OpenMP threads do, ours wait awake between kernels). Quiet
 * bench, 2 threads, 3 runs each: 0.2 ms cut the median CNN inference step
 * from 38.2 to 34.4 ms and training from 171 to 161 ms.
 */
export const SPIN_MS = 0.2;

let spin: number | undefined;

/** {@link SPIN_MS}, or COLOURLAB_SPIN_MS (0: sleep at once). */
function spinMs(): number {
  if (spin === undefined) {
    let raw: string | undefined;
    try {
      raw = Deno.env.get("COLOURLAB_SPIN_MS");
    } catch { /* no --allow-env */ }
    const n = raw === undefined || raw.trim() === "" ? SPIN_MS : Number(raw);
    spin = Number.isFinite(n) && n >= 0 ? n : SPIN_MS;
  }
  return spin;
}

/** Waits awake while `waiting()` holds, for at most `ms` milliseconds. */
export function spinWhile(waiting: () => boolean, ms: number): void {
  const until = performance.now() + ms;
  while (waiting() && performance.now() < until) {
    // spin
  }
}

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
  "winograd4GradU",
  "winograd4Conv",
  "convSmall",
  "copyColumns",
  "upsample2xGrad",
  "addPartials",
  "relu",
  "maxPool2x2",
] as const;

/** A kernel a helper can run. */
export type HelperKernel = typeof HELPER_KERNELS[number];

const pools = new WeakMap<WebAssembly.Memory, Helper[]>();

/** Set when a helper missed JOIN_TIMEOUT_MS: no more jobs are posted. */
let switchedOff = false;

/**
 * The helpers for `memory` (started on first use: `threads - 1` of them,
 * ready or not), or none when the memory is not shared or `threads` is 1.
 * The count is fixed for the process, so callers may split work by it.
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
    const table = new Int32Array(
      new SharedArrayBuffer((TABLE_ARGS + MAX_CHUNKS * ARGS) * 4),
    );
    for (let i = 0; i < threads - 1; i++) {
      const ctl = new Int32Array(new SharedArrayBuffer(32 * 4));
      pool.push({ ctl, seq: 0, table });
      try {
        const worker = new Worker(
          new URL("./helper_worker.ts", import.meta.url),
        );
        worker.on("error", () => Atomics.store(ctl, READY, -1));
        worker.postMessage({ ctl, table, memory, spinMs: spinMs() });
        worker.unref();
      } catch {
        // e.g. no permission to start a worker: its shares run here
        Atomics.store(ctl, READY, -1);
      }
    }
    pools.set(memory, pool);
  }
  return pool;
}

/** How many helpers for `memory` are ready (tests, diagnostics). */
export function readyHelpers(memory: WebAssembly.Memory): number {
  return (pools.get(memory) ?? []).filter(isReady).length;
}

/** Whether a helper can take a job now. */
function isReady(helper: Helper): boolean {
  return !switchedOff && Atomics.load(helper.ctl, READY) === 1;
}

/** Posts a job to a helper. */
export function post(
  helper: Helper,
  kernel: HelperKernel,
  args: number[],
  chunked = false,
): void {
  if (args.length > ARGS) throw new RangeError("too many arguments");
  helper.ctl[2] = HELPER_KERNELS.indexOf(kernel);
  helper.ctl[CHUNKED] = chunked ? 1 : 0;
  for (let i = 0; i < args.length; i++) helper.ctl[3 + i] = args[i] | 0;
  helper.seq++;
  Atomics.store(helper.ctl, 0, helper.seq);
  Atomics.notify(helper.ctl, 0);
}

/**
 * Blocks until the helper has finished its last job: true if it did the
 * job, false if the job threw or the helper died (then nothing of it is
 * still running, and the caller redoes the share). Throws, and switches
 * helpers off for the process, if the job takes longer than
 * JOIN_TIMEOUT_MS: the helper might still write, so nothing may go on.
 */
export function join(helper: Helper, kernel = "a kernel"): boolean {
  // the helper's last chunk usually ends within microseconds
  spinWhile(() => Atomics.load(helper.ctl, 1) !== helper.seq, spinMs());
  const deadline = Date.now() + JOIN_TIMEOUT_MS;
  while (Atomics.load(helper.ctl, 1) !== helper.seq) {
    if (Atomics.load(helper.ctl, READY) === -1) return false;
    const left = deadline - Date.now();
    if (left <= 0) {
      switchedOff = true;
      throw new Error(
        `own kernels: a helper thread did not finish its share of ${kernel} ` +
          `in ${JOIN_TIMEOUT_MS / 1000} s; helper threads are off for the ` +
          "rest of this process (restart it)",
      );
    }
    Atomics.wait(
      helper.ctl,
      1,
      Atomics.load(helper.ctl, 1),
      Math.min(100, left),
    );
  }
  return Atomics.load(helper.ctl, FAILED) === 0;
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
 * Runs one job per share (at most one per thread), each into its own place:
 * this thread and the ready helpers claim shares from a shared counter (see
 * {@link runChunks}), so a helper that the system has not scheduled yet does
 * not hold this thread up: it takes the share itself. Which thread runs a
 * share never changes its result. A share left undone by a failed helper is
 * redone here after `reset(i)` (for kernels that accumulate into their
 * output). `shares.length` must not exceed the number of helpers + 1.
 */
export function runShares(
  kernels: OwnWasmExports,
  helpers: Helper[],
  kernel: HelperKernel,
  shares: number[][],
  reset?: (share: number) => void,
): void {
  if (shares.length > helpers.length + 1) {
    throw new RangeError(
      `own kernels: ${shares.length} shares for ${helpers.length} helpers`,
    );
  }
  runChunks(kernels, helpers, kernel, shares, reset);
}

/**
 * Runs one job per chunk, each into its own place: this thread and the ready
 * helpers claim chunks from a shared counter until none are left, so a slow
 * (descheduled) thread holds up at most one chunk. Which thread runs a chunk
 * never changes its result. A chunk left undone by a failed helper is redone
 * here after `reset(i)`.
 */
export function runChunks(
  kernels: OwnWasmExports,
  helpers: Helper[],
  kernel: HelperKernel,
  chunks: number[][],
  reset?: (chunk: number) => void,
): void {
  const ready = chunks.length > 1 ? helpers.filter(isReady) : [];
  if (ready.length === 0 || chunks.length > MAX_CHUNKS) {
    for (const args of chunks) callKernel(kernels, kernel, args);
    return;
  }
  const table = ready[0].table;
  const n = chunks.length;
  chunks.forEach((args, i) => {
    if (args.length > ARGS) throw new RangeError("too many arguments");
    table.set(args, TABLE_ARGS + i * ARGS);
    table[2 + i] = 0;
  });
  table[1] = n;
  Atomics.store(table, 0, 0);
  for (const h of ready) post(h, kernel, [], true);
  for (let i; (i = Atomics.add(table, 0, 1)) < n;) {
    callKernel(kernels, kernel, chunks[i]);
    table[2 + i] = 1;
  }
  // Wait for every helper before reading any chunk's result.
  for (const h of ready) join(h, kernel);
  for (let i = 0; i < n; i++) {
    if (Atomics.load(table, 2 + i) === 1) continue;
    reset?.(i);
    callKernel(kernels, kernel, chunks[i]);
  }
}

/**
 * Runs the chunks that a helper claims from `table` (helper side of
 * runChunks).
 */
export function claimChunks(
  kernels: OwnWasmExports,
  kernel: HelperKernel,
  table: Int32Array,
): void {
  const n = table[1];
  for (let i; (i = Atomics.add(table, 0, 1)) < n;) {
    const at = TABLE_ARGS + i * ARGS;
    const args = Array.from(table.subarray(at, at + ARGS), (v) => v >>> 0);
    callKernel(kernels, kernel, args);
    Atomics.store(table, 2 + i, 1);
  }
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
