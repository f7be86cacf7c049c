/**
 * Splits the project's own kernels over the cores: the main thread takes one
 * share of the work, helper threads (helper_worker.ts) the others, all on the
 * threaded wasm backend's shared heap. Only where that heap is shared memory
 * and the backend runs more than one thread; otherwise there are no helpers
 * and callers run everything themselves.
 *
 * @module
 */
import { Worker } from "node:worker_threads";

/** One started helper; `ctl[31]` is 1 once it is ready, -1 if it died. */
export interface Helper {
  ctl: Int32Array;
  seq: number;
}

const READY = 31;

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

/** Posts a job (kernel id and int32 arguments) to a helper. */
export function post(helper: Helper, kernel: number, args: number[]): void {
  helper.ctl[2] = kernel;
  for (let i = 0; i < args.length; i++) helper.ctl[3 + i] = args[i] | 0;
  helper.seq++;
  Atomics.store(helper.ctl, 0, helper.seq);
  Atomics.notify(helper.ctl, 0);
}

/** Blocks until the helper has finished its last job. */
export function join(helper: Helper): void {
  while (Atomics.load(helper.ctl, 1) !== helper.seq) {
    Atomics.wait(helper.ctl, 1, Atomics.load(helper.ctl, 1), 1000);
  }
}
