/**
 * The live page's script (bundled by lib/report/live_bundle.ts into one
 * classic script with tfjs): starts the backend, reads the models from
 * `live/data.js`, and drives whichever panels the page has: "try it on your
 * own picture" (colourize and segment) and the A.4 sliders.
 *
 * Its state and last results are at `window.colourlabLive`
 * ({@link LiveState}): backend, milliseconds, labels and logits of the last
 * forward passes, the A.4 numbers; `seq` grows with every result.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  base64ToBytes,
  IDS,
  LIVE_DATA_GLOBAL,
  type LiveData,
  type LiveState,
  STATE_GLOBAL,
  WASM_GLOBAL,
} from "./live_data.ts";
import { startPageBackend } from "./page_backend.ts";
import { loadPageModels } from "./page_models.ts";
import { rawToCanvas } from "./photo.ts";
import { ScaleShiftPanel } from "./scale_shift_panel.ts";
import { TryItPanel } from "./try_it.ts";

const globals = globalThis as unknown as Record<string, unknown>;

function status(text: string, isError = false): void {
  const el = document.getElementById(IDS.status);
  if (!el) return;
  el.textContent = text;
  if (isError) el.classList.add("error");
}

async function main(state: LiveState): Promise<void> {
  const data = globals[LIVE_DATA_GLOBAL] as LiveData | undefined;
  const wasm = globals[WASM_GLOBAL] as string | undefined;
  if (!data || !wasm) {
    throw new Error("live/data.js or the bundle's wasm did not load");
  }
  status("starting TensorFlow.js ...");
  const backend = await startPageBackend(location.search, wasm);
  state.backend = backend.name;
  state.backendReason = backend.reason;
  state.timings.backendReady = performance.now();
  status(`backend: ${backend.name} (${backend.reason}); loading models ...`);
  const models = await loadPageModels(data);
  state.timings.modelsReady = performance.now();
  const bump = () => {
    state.seq++;
    if (state.timings.firstPicture === undefined) {
      state.timings.firstPicture = performance.now();
    }
  };
  const tryIt = document.getElementById(IDS.tryIt)
    ? new TryItPanel(models, state, bump)
    : undefined;
  const a4 = document.getElementById(IDS.scaleShift)
    ? new ScaleShiftPanel(models, data.validation, state, bump)
    : undefined;
  tryIt?.wire();
  a4?.wire();
  if (tryIt) {
    // The first validation horse, until the reader brings a photo.
    const v = data.validation;
    const rgb = base64ToBytes(v.rgb).subarray(0, v.height * v.width * 3);
    const sample = rawToCanvas({
      data: rgb,
      width: v.width,
      height: v.height,
      channels: 3,
    });
    await tryIt.enqueue(() => tryIt.show(sample, "a validation horse"));
  }
  await a4?.request();
  state.ready = true;
  status(
    `backend: ${backend.name} (${backend.reason}); ready in ${
      (state.timings.firstPicture ?? performance.now()).toFixed(0)
    } ms from opening the page; TensorFlow.js ${tf.version_core}`,
  );
}

const state: LiveState = { ready: false, timings: {}, seq: 0 };
globals[STATE_GLOBAL] = state;
main(state).catch((e) => {
  state.error = (e as Error).message ?? String(e);
  status(`error: ${state.error}`, true);
});
