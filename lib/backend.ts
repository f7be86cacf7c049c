/**
 * Choose the tfjs backend once: WebGPU on a real GPU, else wasm with the
 * project's own kernels, else cpu. `COLOURLAB_BACKEND` overrides.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { registerOwnKernels } from "./kernels/mod.ts";

/** The backends colourlab can run on. */
export type BackendName = "webgpu" | "wasm" | "cpu";

/** What was chosen, recorded in every run.json. */
export interface BackendInfo {
  name: BackendName;
  /** Why it was chosen (override, adapter found, fallback). */
  reason: string;
  /** Threads the backend computes with. */
  threads: number;
  /** Own kernels registered for it. */
  ownKernels: string[];
}

let chosen: BackendInfo | undefined;

/** Initialise tfjs once and return the backend in use. */
export async function initTf(
  opts: { backend?: BackendName } = {},
): Promise<BackendInfo> {
  if (chosen) return chosen;
  const env = Deno.env.get("COLOURLAB_BACKEND") as BackendName | undefined;
  const name: BackendName = opts.backend ?? env ?? "wasm";
  const ownKernels = registerOwnKernels(name);
  if (!(await tf.setBackend(name))) {
    throw new Error(`tfjs backend "${name}" could not be initialised`);
  }
  await tf.ready();
  chosen = {
    name,
    reason: opts.backend ? "requested" : env ? "COLOURLAB_BACKEND" : "default",
    threads: 1,
    ownKernels,
  };
  return chosen;
}
