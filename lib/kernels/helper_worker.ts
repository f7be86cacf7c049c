/**
 * A helper thread for the project's own wasm kernels (node:worker_threads, so
 * that it can be unref'd and never keeps the process alive). It runs the
 * kernels on the threaded wasm backend's shared heap: the main thread writes
 * a job into a shared Int32Array and bumps its sequence number; the helper
 * runs it and publishes the same number as done.
 *
 * Job layout (Int32Array `ctl`): [0] sequence (negative: stop), [1] done,
 * [2] kernel id, [3..] int32 arguments (pointers are unsigned).
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { KERNELS_WASM_SHARED_BASE64 } from "./as/kernels_wasm.ts";

/** Kernel ids a job may name. */
export const JOB_FILTER_GRAD = 1;

interface HelperKernels {
  filterGrad(...args: number[]): void;
}

if (parentPort) {
  parentPort.once(
    "message",
    (data: { ctl: Int32Array; memory: WebAssembly.Memory }) => {
      const { ctl, memory } = data;
      const bytes = Uint8Array.from(
        atob(KERNELS_WASM_SHARED_BASE64),
        (c) => c.charCodeAt(0),
      );
      const kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
        env: { memory },
      }).exports as unknown as HelperKernels;
      Atomics.store(ctl, 31, 1); // ready
      let seen = 0;
      while (true) {
        Atomics.wait(ctl, 0, seen);
        seen = Atomics.load(ctl, 0);
        if (seen < 0) break;
        const args = Array.from(ctl.subarray(3, 3 + 19), (v, i) =>
          // The first three arguments are pointers: unsigned.
          i < 3 ? v >>> 0 : v);
        if (ctl[2] === JOB_FILTER_GRAD) kernels.filterGrad(...args);
        Atomics.store(ctl, 1, seen);
        Atomics.notify(ctl, 1);
      }
    },
  );
}
