/**
 * Choose the tfjs backend once: WebGPU on a real (not software) GPU, else
 * wasm on every core with the project's own kernels, else cpu.
 * `COLOURLAB_BACKEND` (webgpu|wasm|cpu) and `COLOURLAB_THREADS` override.
 *
 * ```ts
 * const info = await initTf();
 * console.log(describeBackend(info)); // "wasm, 2 threads (auto: no GPU adapter)"
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerOwnKernels } from "./kernels/mod.ts";
import { initThreadedWasm } from "./backend/wasm_threads.ts";
import { initWebGpu, probeGpu } from "./backend/webgpu.ts";

/** The backends colourlab can run on. */
export type BackendName = "webgpu" | "wasm" | "cpu";

const BACKENDS: readonly BackendName[] = ["webgpu", "wasm", "cpu"];

/** Options of {@link initTf}. */
export interface InitTfOptions {
  /** Force a backend (else `COLOURLAB_BACKEND`, else automatic). */
  backend?: BackendName;
  /** wasm threads (else `COLOURLAB_THREADS`, else the number of cores). */
  threads?: number;
  /** How long to wait for the wasm thread pool before using one thread (default 60 s). */
  threadPoolTimeoutMs?: number;
}

/** What was chosen, recorded in every run.json. */
export interface BackendInfo {
  /** The tfjs backend in use. */
  name: BackendName;
  /** Why it was chosen (override, adapter found, fallback). */
  reason: string;
  /** Threads the backend computes with (1 for cpu; 0 = the GPU's own). */
  threads: number;
  /** The WebGPU adapter seen, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)", or "none". */
  adapter: string;
  /** Own kernels registered for it. */
  ownKernels: string[];
  /** Preferred options that failed on the way, e.g. threads that did not start. */
  fallbacks: string[];
}

let chosen: Promise<BackendInfo> | undefined;

/**
 * Initialises tfjs once and returns the backend in use; later calls return
 * the first result (the options of later calls are ignored).
 */
export function initTf(opts: InitTfOptions = {}): Promise<BackendInfo> {
  // A failed choice is forgotten, so that a caller may retry with other options.
  chosen ??= choose(opts).catch((e) => {
    chosen = undefined;
    throw e;
  });
  return chosen;
}

/** One line for CLIs and notebooks, e.g. "wasm, 2 threads (auto: no GPU adapter)". */
export function describeBackend(info: BackendInfo): string {
  const threads = info.name === "webgpu"
    ? `adapter ${info.adapter}`
    : `${info.threads} thread${info.threads === 1 ? "" : "s"}`;
  const extra = info.fallbacks.length ? `; ${info.fallbacks.join("; ")}` : "";
  return `${info.name}, ${threads} (${info.reason}${extra})`;
}

/**
 * The backend computing now, in words: initTf's choice when it is still the
 * active backend, else the name of the one set directly with tf.setBackend.
 */
export async function backendInUse(): Promise<
  { name: string; description: string }
> {
  const name = tf.getBackend();
  const info = chosen ? await chosen.catch(() => undefined) : undefined;
  return info?.name === name
    ? { name, description: describeBackend(info) }
    : { name, description: `${name} (set with tf.setBackend)` };
}

/** Cores the runtime reports (no permission needed). */
export function coreCount(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** Parses a backend name, with a clear error naming where it came from. */
export function parseBackendName(value: string, source: string): BackendName {
  const v = value.trim().toLowerCase();
  if ((BACKENDS as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(
    `${source}="${value}" is not a backend: use ${BACKENDS.join(", ")}`,
  );
}

/**
 * An environment variable, or undefined when unset or when the permission to
 * read it was not granted (never prompts: tasks run with narrow permissions).
 */
function readEnv(variable: string): string | undefined {
  try {
    const granted =
      Deno.permissions.querySync({ name: "env", variable }).state === "granted";
    return granted ? Deno.env.get(variable) || undefined : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The thread count asked for: `opts.threads`, else `COLOURLAB_THREADS`, else
 * the number of cores. Throws on anything but a positive integer.
 */
export function resolveThreads(opts: InitTfOptions = {}): number {
  const env = readEnv("COLOURLAB_THREADS");
  const n = opts.threads ?? (env ? Number(env) : coreCount());
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(
      `threads must be a positive integer, got ${
        opts.threads ?? `COLOURLAB_THREADS="${env}"`
      }`,
    );
  }
  return n;
}

async function choose(opts: InitTfOptions): Promise<BackendInfo> {
  const env = readEnv("COLOURLAB_BACKEND");
  const requested = opts.backend ??
    (env ? parseBackendName(env, "COLOURLAB_BACKEND") : undefined);
  const why = opts.backend ? "requested" : env ? "COLOURLAB_BACKEND" : "auto";
  const fallbacks: string[] = [];
  const gpu = requested === undefined || requested === "webgpu"
    ? await probeGpu()
    : undefined;
  const adapter = gpu?.available ? gpu.description : "none";

  if (
    requested === "webgpu" ||
    (requested === undefined && gpu?.available && !gpu.software)
  ) {
    const ownKernels = registerOwnKernels("webgpu");
    try {
      if (!gpu?.available) throw new Error(gpu?.reason ?? "no WebGPU adapter");
      await initWebGpu();
      const reason = requested ? why : `auto: GPU adapter ${gpu.description}`;
      return {
        name: "webgpu",
        reason,
        threads: 0,
        adapter,
        ownKernels,
        fallbacks,
      };
    } catch (e) {
      if (requested) {
        throw new Error(`webgpu requested but failed: ${(e as Error).message}`);
      }
      fallbacks.push(`webgpu failed: ${(e as Error).message}`);
    }
  }

  if (requested === undefined || requested === "wasm") {
    const ownKernels = registerOwnKernels("wasm");
    const threads = await startWasm(
      resolveThreads(opts),
      opts.threadPoolTimeoutMs,
      fallbacks,
    );
    if (threads > 0) {
      const reason = requested
        ? why
        : `auto: ${
          !gpu?.available
            ? gpu?.reason ?? "no GPU adapter"
            : gpu.software
            ? `software adapter ${gpu.description} skipped`
            : "WebGPU failed"
        }`;
      return { name: "wasm", reason, threads, adapter, ownKernels, fallbacks };
    }
    if (requested) {
      throw new Error(`wasm requested but failed: ${fallbacks.join("; ")}`);
    }
  }

  const ownKernels = registerOwnKernels("cpu");
  if (!(await tf.setBackend("cpu"))) {
    throw new Error('tfjs backend "cpu" could not be initialised');
  }
  await tf.ready();
  const reason = requested ? why : "auto: fallback";
  return { name: "cpu", reason, threads: 1, adapter, ownKernels, fallbacks };
}

/**
 * Starts wasm with `threads` threads, falling back to one thread (recorded
 * in `fallbacks`); returns the threads in use, 0 when wasm failed entirely.
 */
async function startWasm(
  threads: number,
  timeoutMs: number | undefined,
  fallbacks: string[],
): Promise<number> {
  if (threads > 1) {
    try {
      return await initThreadedWasm(threads, { timeoutMs });
    } catch (e) {
      fallbacks.push(`wasm threads failed: ${(e as Error).message}`);
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    }
  }
  try {
    if (await tf.setBackend("wasm")) {
      await tf.ready();
      return 1;
    }
    fallbacks.push("wasm failed to initialise");
  } catch (e) {
    fallbacks.push(`wasm failed: ${(e as Error).message}`);
  }
  return 0;
}
