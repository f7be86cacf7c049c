/**
 * The live page's tfjs backend: WebGPU where the browser offers a hardware
 * adapter, else wasm with SIMD (single-threaded: a page opened from
 * `file://` has no `SharedArrayBuffer`). `?backend=webgpu` or
 * `?backend=wasm` in the page's URL forces one; a forced backend that
 * cannot start is an error, never a silent fallback.
 *
 * The wasm binary (the single-threaded SIMD build, also where the page is
 * served with cross-origin isolation) comes from the bundle itself (base64, see
 * lib/report/live_bundle.ts) as a `blob:` URL: Chromium refuses `fetch` of
 * `file://` URLs, which is how tfjs would load it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { initWebGpu, probeGpu } from "../backend/webgpu.ts";
import { base64ToBytes } from "./live_data.ts";

/** The backend in use and why. */
export interface PageBackend {
  name: "wasm" | "webgpu";
  reason: string;
}

/** The backend named by `?backend=` (undefined when absent; an error when unknown). */
export function requestedBackend(
  search: string,
): "wasm" | "webgpu" | undefined {
  const value = new URLSearchParams(search).get("backend");
  if (value === null || value === "") return undefined;
  if (value === "wasm" || value === "webgpu") return value;
  throw new Error(`?backend=${value}: use webgpu or wasm`);
}

/** Starts tfjs's wasm backend on the SIMD binary given as base64. */
async function startWasm(wasmBase64: string): Promise<void> {
  const bytes = base64ToBytes(wasmBase64);
  const url = URL.createObjectURL(
    new Blob([bytes as BlobPart], { type: "application/wasm" }),
  );
  // The page carries the single-threaded SIMD build only: a page served
  // with cross-origin isolation would otherwise make tfjs ask for the
  // threaded one (which needs its own binary and workers; for 32x32 images
  // threads would not pay for the extra 500 KB).
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  setWasmPaths({
    "tfjs-backend-wasm.wasm": url,
    "tfjs-backend-wasm-simd.wasm": url,
    "tfjs-backend-wasm-threaded-simd.wasm": url,
  }, true);
  if (!(await tf.setBackend("wasm"))) {
    throw new Error('tf.setBackend("wasm") failed');
  }
  await tf.ready();
}

/**
 * Chooses and starts the backend (see the module doc). `search` is the
 * page's `location.search`.
 */
export async function startPageBackend(
  search: string,
  wasmBase64: string,
): Promise<PageBackend> {
  const forced = requestedBackend(search);
  if (forced === "wasm") {
    await startWasm(wasmBase64);
    return { name: "wasm", reason: "forced by ?backend=wasm" };
  }
  const gpu = await probeGpu();
  if (forced === "webgpu") {
    if (!gpu.available) {
      throw new Error(`?backend=webgpu, but ${gpu.reason ?? "no adapter"}`);
    }
    await initWebGpu();
    return {
      name: "webgpu",
      reason: `forced by ?backend=webgpu (${gpu.description}${
        gpu.software ? ", a software adapter" : ""
      })`,
    };
  }
  if (gpu.available && !gpu.software) {
    try {
      await initWebGpu();
      return { name: "webgpu", reason: `GPU adapter ${gpu.description}` };
    } catch (e) {
      await startWasm(wasmBase64);
      return {
        name: "wasm",
        reason: `WebGPU failed (${(e as Error).message}); wasm with SIMD`,
      };
    }
  }
  await startWasm(wasmBase64);
  return {
    name: "wasm",
    reason: gpu.available
      ? `only a software WebGPU adapter (${gpu.description}); wasm with SIMD`
      : `no WebGPU (${gpu.reason}); wasm with SIMD`,
  };
}
