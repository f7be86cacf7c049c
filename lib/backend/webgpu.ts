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
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
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
