/**
 * Find a WebGPU adapter and tell real GPUs from software rasterisers, and
 * start tfjs's WebGPU backend (imported lazily: machines without a GPU never
 * load it).
 *
 * On WebGPU under Deno, read tensors with `await t.data()`: `dataSync()` of a
 * GPU-resident tensor throws (tfjs reads synchronously through a 2d canvas,
 * which Deno does not have).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** What {@link probeGpu} found. */
export interface GpuProbe {
  /** A WebGPU adapter exists (software or not). */
  available: boolean;
  /** The adapter is a fallback/software one (llvmpipe, lavapipe, SwiftShader). */
  software: boolean;
  /** The adapter's description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  description: string;
  /** Why there is no adapter, when there is none. */
  reason?: string;
}

/** Adapter descriptions of CPU-based (software) WebGPU implementations. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|software/i;

/** Asks `navigator.gpu` for an adapter; never throws. */
export async function probeGpu(): Promise<GpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (!gpu) {
    return {
      available: false,
      software: false,
      description: "",
      reason: "no navigator.gpu",
    };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await withRuntimeDir(() =>
      gpu.requestAdapter({ powerPreference: "high-performance" })
    );
  } catch (e) {
    return {
      available: false,
      software: false,
      description: "",
      reason: `requestAdapter failed: ${(e as Error).message}`,
    };
  }
  if (!adapter) {
    return {
      available: false,
      software: false,
      description: "",
      reason: "no WebGPU adapter",
    };
  }
  return { available: true, ...classifyAdapter(adapter) };
}

/** An absolute path where no Wayland socket can be. */
const NO_WAYLAND_DIR = "/nonexistent";

/**
 * Runs `probe` with `XDG_RUNTIME_DIR` set when it is missing or relative.
 * Mesa's Vulkan drivers try to reach a Wayland display while they list
 * devices, and libwayland prints "error: XDG_RUNTIME_DIR is invalid or not
 * set in the environment." when the variable is not an absolute path: a
 * false alarm on every start of a task or kernel on a machine without a
 * desktop session. Without the variable no Wayland display can be reached
 * anyway, so a path that holds no Wayland socket finds the same devices,
 * silently; the variable is put back as it was afterwards. Without the
 * permission to set it the probe runs as is.
 */
async function withRuntimeDir<T>(probe: () => Promise<T>): Promise<T> {
  const name = "XDG_RUNTIME_DIR";
  let before: string | undefined;
  let changed = false;
  try {
    const permission = Deno.permissions.querySync({
      name: "env",
      variable: name,
    });
    if (permission.state === "granted") {
      before = Deno.env.get(name);
      if (!before?.startsWith("/")) {
        Deno.env.set(name, NO_WAYLAND_DIR);
        changed = true;
      }
    }
  } catch { /* probe as is */ }
  try {
    return await probe();
  } finally {
    if (changed && before === undefined) Deno.env.delete(name);
    else if (changed) Deno.env.set(name, before!);
  }
}

/** Describes an adapter and says whether it is a software one. */
export function classifyAdapter(
  adapter: GPUAdapter,
): { software: boolean; description: string } {
  // Deno 2.9 reports isFallbackAdapter on adapter.info; older spec drafts on
  // the adapter itself. Check both, and the name, since drivers differ.
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  const flags = [
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
    (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter,
  ];
  const parts = [
    info?.description,
    info?.vendor,
    info?.architecture,
    info?.device,
  ]
    .filter((s): s is string => typeof s === "string" && s.length > 0);
  const description = info?.description || parts.join(" ") || "unknown adapter";
  const software = flags.some((f) => f === true) ||
    SOFTWARE_ADAPTER.test(parts.join(" "));
  return { software, description };
}

/**
 * Loads tfjs-backend-webgpu (once) and makes it the active backend. Throws
 * when it cannot be initialised.
 */
export async function initWebGpu(): Promise<void> {
  await import("@tensorflow/tfjs-backend-webgpu");
  if (!(await tf.setBackend("webgpu"))) {
    throw new Error('tf.setBackend("webgpu") failed');
  }
  await tf.ready();
}
