/**
 * Start tfjs-backend-wasm's threaded SIMD build under Deno, without patching
 * the package.
 *
 * tfjs 4.22 believes it runs on Node.js under Deno and so never enables
 * threads; forcing the flag alone fails because its Emscripten module hands a
 * `blob:` URL to Node's `Worker`, which Deno's `node:worker_threads` rejects.
 * What this module does, only for the duration of `tf.setBackend("wasm")`:
 *
 * 1. sets `WASM_HAS_MULTITHREAD_SUPPORT` and the package's thread count;
 * 2. installs a global `Worker` (Emscripten's pool creates its workers with
 *    `new Worker(blobUrl)`) that ignores the URL and evaluates the package's
 *    own worker script (`wasm-out/*.worker.js`) with `eval: true`, preceded by
 *    a line that makes Deno's getter-only `location` writable and followed by
 *    an `importScripts` that loads the standalone Emscripten file
 *    `wasm-out/tfjs-backend-wasm-threaded-simd.js` (tfjs would send
 *    `factory.toString()` of its bundle, which cannot run alone);
 * 3. makes `os.cpus()` report twice the wanted threads, since the C++ side
 *    caps threads at logical cores / 2 (it assumes hyperthreads);
 * 4. afterwards restores the globals and `unref()`s the pool workers so that
 *    the process can exit.
 *
 * It leans on internals of tfjs-backend-wasm 4.22.0 (the version is pinned
 * and checked); `tests/backend/wasm_threads_test.ts` guards it.
 *
 * @see https://github.com/tensorflow/tfjs/issues/3830 (threads off on Node)
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  getThreadsCount,
  setThreadsCount,
  version_wasm,
} from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import os from "node:os";
import { Worker as NodeWorker } from "node:worker_threads";

/** The tfjs-backend-wasm version whose internals this module relies on. */
export const SUPPORTED_WASM_VERSION = "4.22.0";

/** Pool workers created by the last initialisation (for unref/cleanup). */
const poolWorkers: NodeWorker[] = [];

/** Files of the installed tfjs-backend-wasm package that the workers need. */
interface WasmFiles {
  /** The worker script's text, as tfjs would put it into its Blob. */
  workerScript: string;
  /** Absolute path of the standalone threaded Emscripten module. */
  standaloneModule: string;
}

function wasmPackageFiles(): WasmFiles {
  // The import map resolves the bare name to the package's node entry point,
  // `<pkg>/dist/tf-backend-wasm.node.js`, on disk.
  const main = new URL(import.meta.resolve("@tensorflow/tfjs-backend-wasm"));
  if (main.protocol !== "file:") {
    throw new Error(`tfjs-backend-wasm is not on disk (${main.href})`);
  }
  const root = new URL("../wasm-out/", main);
  const workerJs = new URL("tfjs-backend-wasm-threaded-simd.worker.js", root);
  const standalone = new URL("tfjs-backend-wasm-threaded-simd.js", root);
  // The worker file is CommonJS: `module.exports.wasmWorkerContents = \`...\``.
  const require = createRequire(import.meta.url);
  const contents = (require(decodeURIComponent(workerJs.pathname)) as {
    wasmWorkerContents?: unknown;
  }).wasmWorkerContents;
  if (typeof contents !== "string") {
    throw new Error(`no wasmWorkerContents in ${workerJs.pathname}`);
  }
  return {
    // tfjs escapes real newlines the same way before making its Blob: the
    // script contains "\n" inside string literals.
    workerScript: contents.replace(/\n/g, "\\n"),
    standaloneModule: decodeURIComponent(standalone.pathname),
  };
}

/** The code each pool worker evaluates (`extra` first: a test hook). */
function poolWorkerCode(files: WasmFiles, extra = ""): string {
  const prelude = extra +
    ';Object.defineProperty(globalThis,"location",{value:undefined,writable:true,configurable:true});';
  const postlude =
    `;globalThis.importScripts=function(){(0,eval)(require("fs").readFileSync(${
      JSON.stringify(files.standaloneModule)
    },"utf8"))};`;
  return prelude + files.workerScript + postlude;
}

/**
 * Replaces a global property, ignoring writes to it (Emscripten assigns
 * `global.Worker = require("worker_threads").Worker`); returns the undo.
 */
function replaceGlobal(key: string, value: unknown): () => void {
  const g = globalThis as Record<string, unknown>;
  const saved = Object.getOwnPropertyDescriptor(g, key);
  Object.defineProperty(g, key, {
    configurable: true,
    get: () => value,
    set: () => {},
  });
  return () => {
    if (saved) Object.defineProperty(g, key, saved);
    else delete g[key];
  };
}

/** Makes `os.cpus()` report `n` entries; returns the undo. */
function fakeCpuCount(n: number): () => void {
  const osMod = os as unknown as { cpus: () => unknown[] };
  const saved = osMod.cpus;
  const fake = Array.from({ length: n }, () => ({ model: "", speed: 0 }));
  osMod.cpus = () => fake;
  return () => {
    osMod.cpus = saved;
  };
}

/** Options of {@link initThreadedWasm}. */
export interface ThreadedWasmOptions {
  /** How long to wait for the pool to start (default 60 s). */
  timeoutMs?: number;
  /** Code each pool worker runs first; tests use it to make workers fail. */
  workerPrelude?: string;
}

/**
 * Initialises tfjs's "wasm" backend with `threads` XNNPACK threads (threaded
 * SIMD build) and returns the threads in use. Must run before anything else
 * initialises the wasm backend. Throws, leaving no worker behind, when the
 * threaded build cannot start (a worker error, no answer within
 * `timeoutMs`); the caller then falls back to the single-threaded build.
 */
export async function initThreadedWasm(
  threads: number,
  { timeoutMs = 60_000, workerPrelude }: ThreadedWasmOptions = {},
): Promise<number> {
  if (version_wasm !== SUPPORTED_WASM_VERSION) {
    throw new Error(
      `threaded wasm relies on tfjs-backend-wasm ${SUPPORTED_WASM_VERSION} internals, found ${version_wasm}`,
    );
  }
  if (typeof SharedArrayBuffer === "undefined") {
    throw new Error("SharedArrayBuffer is not available");
  }
  const code = poolWorkerCode(wasmPackageFiles(), workerPrelude);
  // Emscripten's "error" listener rethrows, which would kill the process:
  // while the pool starts, a worker error fails the initialisation instead.
  let failStart: ((e: unknown) => void) | undefined;
  const workerFailed = new Promise<never>((_, reject) => {
    failStart = (e) =>
      reject(
        new Error(`a wasm pool worker failed: ${(e as Error)?.message ?? e}`),
      );
  });
  class PoolWorker extends NodeWorker {
    constructor(_blobUrl: unknown) {
      super(code, { eval: true });
      poolWorkers.push(this);
      // A worker may fail before Emscripten listens (it does so only once
      // the wasm module is compiled).
      super.on("error", (e) => failStart?.(e));
      const on = this.on.bind(this) as (
        e: string,
        l: (arg: unknown) => void,
      ) => this;
      (this as unknown as { on: typeof on }).on = (event, listener) =>
        on(
          event,
          event !== "error" ? listener : (e) => {
            if (failStart) failStart(e);
            else listener(e);
          },
        );
    }
  }
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  setThreadsCount(threads);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Both patches are undone in `finally`, even when initialisation hangs.
  const restoreWorker = replaceGlobal("Worker", PoolWorker);
  const restoreCpus = fakeCpuCount(2 * threads);
  try {
    const init = tf.setBackend("wasm");
    // A worker that never reports "loaded" would hang initialisation.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`no answer from the wasm thread pool in ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
    });
    init.catch(() => {}); // superseded by the fallback when it loses the race
    if (!(await Promise.race([init, timeout, workerFailed]))) {
      throw new Error('tf.setBackend("wasm") failed with threads');
    }
  } catch (e) {
    await terminateWasmThreads();
    throw e;
  } finally {
    restoreWorker();
    restoreCpus();
    failStart = undefined;
    clearTimeout(timer);
    // Idle pool threads wait on shared memory forever: never keep the
    // process alive for them.
    for (const w of poolWorkers) w.unref();
  }
  return getThreadsCount();
}

/** Terminates the pool workers (tests; the process exits without this). */
export async function terminateWasmThreads(): Promise<void> {
  const ws = poolWorkers.splice(0);
  await Promise.all(ws.map((w) => w.terminate()));
}
