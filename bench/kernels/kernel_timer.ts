/**
 * Per-kernel wall-clock timing for synchronous backends (wasm, cpu): wraps
 * every kernel registered for a backend so each call adds its milliseconds
 * to a table. Unlike `tf.profile` it counts each kernel once (no scopes) and
 * excludes the engine's own bookkeeping.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Milliseconds and calls of one kernel. */
export interface KernelTime {
  name: string;
  ms: number;
  calls: number;
}

/** A running timer; `restore()` puts the original kernels back. */
export interface KernelTimer {
  /** Totals since the last reset, largest first. */
  report(): KernelTime[];
  reset(): void;
  restore(): void;
}

/**
 * Starts timing every kernel of `backendName` (call after the backend and
 * the own kernels are registered; setup functions are kept).
 */
export function timeKernels(backendName: string): KernelTimer {
  const table = new Map<string, { ms: number; calls: number }>();
  const originals = tf.getKernelsForBackend(backendName);
  for (const config of originals) {
    const inner = config.kernelFunc;
    const entry = { ms: 0, calls: 0 };
    table.set(config.kernelName, entry);
    const timed: tf.KernelFunc = (args) => {
      const t0 = performance.now();
      const out = inner(args);
      entry.ms += performance.now() - t0;
      entry.calls++;
      return out;
    };
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({ ...config, kernelFunc: timed });
  }
  return {
    report: () =>
      [...table].filter(([, e]) => e.calls > 0)
        .map(([name, e]) => ({ name, ...e }))
        .sort((a, b) => b.ms - a.ms),
    reset: () => {
      for (const e of table.values()) {
        e.ms = 0;
        e.calls = 0;
      }
    },
    restore: () => {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
    },
  };
}
