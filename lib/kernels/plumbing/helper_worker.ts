/**
 * A helper thread for the project's own wasm kernels (node:worker_threads, so
 * that it can be unref'd and never keeps the process alive). It runs kernels
 * on the threaded wasm backend's shared heap; the job protocol is described
 * in helper_threads.ts.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { KERNELS_WASM_SHARED_BASE64 } from "./kernels_wasm.ts";
import {
  callKernel,
  claimChunks,
  HELPER_KERNELS,
  spinWhile,
} from "./helper_threads.ts";
import type { OwnWasmExports } from "./own_wasm.ts";

if (parentPort) {
  parentPort.once(
    "message",
    (
      data: {
        ctl: Int32Array;
        table: Int32Array;
        memory: WebAssembly.Memory;
        spinMs: number;
      },
    ) => {
      const { ctl, table, memory, spinMs } = data;
      const bytes = Uint8Array.from(
        atob(KERNELS_WASM_SHARED_BASE64),
        (c) => c.charCodeAt(0),
      );
      const kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
        env: { memory },
      }).exports as unknown as OwnWasmExports;
      Atomics.store(ctl, 31, 1); // ready
      let seen = 0;
      while (true) {
        // The next job of a model step usually follows within microseconds:
        // waiting awake for it a short while saves the wake-up of a sleep.
        spinWhile(() => Atomics.load(ctl, 0) === seen, spinMs);
        Atomics.wait(ctl, 0, seen);
        seen = Atomics.load(ctl, 0);
        if (seen < 0) break;
        // All arguments are non-negative; pointers may exceed 2^31.
        const args = Array.from(ctl.subarray(3, 30), (v) => v >>> 0);
        let failed = 0;
        try {
          const kernel = HELPER_KERNELS[ctl[2]];
          if (ctl[29] === 1) claimChunks(kernels, kernel, table);
          else callKernel(kernels, kernel, args);
        } catch {
          failed = 1; // the caller redoes the share
        }
        Atomics.store(ctl, 30, failed);
        Atomics.store(ctl, 1, seen);
        Atomics.notify(ctl, 1);
      }
    },
  );
}
