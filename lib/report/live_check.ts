/**
 * Checks a report's live page in headless Chromium, on wasm and on WebGPU
 * (`?backend=`; Chromium's WebGPU here is SwiftShader, a CPU emulation, so
 * its times say nothing about a GPU): every request other than `file:`,
 * `data:` and `blob:` blocked; the sample and an uploaded photo (a JPEG with
 * EXIF orientation 6, larger than the page's working size) colourized and
 * segmented, the CNN's, UNet's and segmenter's logits and labels compared
 * with Deno's for the same input tensor (lib/report/live_compare.ts); a file
 * that is not an image answered with a message; on notebook 03's page, the
 * a and b sliders and the statistics switch moved and the relative change
 * compared with lib/analysis's; and the WebGPU logits compared with wasm's.
 * Left to choose (no `?backend=`), the page must take wasm over SwiftShader.
 * A backend that cannot start (no adapter) is a failure, not a skip.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  IDS,
  LIVE_DATA_GLOBAL,
  type LiveData,
  type LiveModelId,
  WORKING_MAX,
} from "../browser/live_data.ts";
import { CHROMIUM, CHROMIUM_FLAGS } from "./browser_check.ts";
import {
  compareLogits,
  DenoModels,
  type LogitAgreement,
} from "./live_compare.ts";
import { TRY_IT_PAGE } from "./live_page.ts";
import { type CellCheck, checkScaleShift } from "./live_check_a4.ts";
import {
  fixturePhoto,
  nextResult,
  openLivePage,
  ready,
} from "./live_driver.ts";

export { CHECKED_CELLS, WEBGPU_CELLS } from "./live_check_a4.ts";
export { fixturePhoto } from "./live_driver.ts";

/** What one backend did. */
export interface BackendCheck {
  requested: "wasm" | "webgpu";
  backend?: string;
  backendReason?: string;
  /** Page start to the first colourized picture (the sample), ms. */
  firstPictureMs?: number;
  /** Forward pass ms on the uploaded photo, per model. */
  forwardMs: Partial<Record<LiveModelId, number>>;
  /** Logit agreement with Deno on the uploaded photo, per model. */
  agreement: Partial<Record<LiveModelId, LogitAgreement>>;
  /** The uploaded photo's logits (for the WebGPU-vs-wasm comparison). */
  logits: Partial<Record<LiveModelId, { logits: number[]; labels: number[] }>>;
  cells: CellCheck[];
  screenshots: string[];
  problems: string[];
}

/** The outcome; `problems` empty means it passed. */
export interface LiveCheck {
  backends: BackendCheck[];
  /** WebGPU's logits against wasm's, per model (same rule as against Deno). */
  webgpuVsWasm: Partial<Record<LiveModelId, LogitAgreement>>;
  problems: string[];
}

/** The page's data.js, as the page reads it. */
async function readLiveData(reportDir: string): Promise<LiveData> {
  const text = await Deno.readTextFile(join(reportDir, "live", "data.js"));
  const prefix = `globalThis.${LIVE_DATA_GLOBAL} = `;
  if (!text.startsWith(prefix)) throw new Error("live/data.js: unexpected");
  return JSON.parse(text.slice(prefix.length).trim().replace(/;$/, ""));
}

/** Options of {@link checkLivePages}. */
export interface LiveCheckOptions {
  executablePath?: string;
  screenshotsDir?: string;
  /** Default both. */
  backends?: ("wasm" | "webgpu")[];
  /** Per wait, ms (default 180,000: SwiftShader is slow). */
  timeoutMs?: number;
}

/** Checks the live page of `reportDir` (see the module doc). */
export async function checkLivePages(
  reportDir: string,
  options: LiveCheckOptions = {},
): Promise<LiveCheck> {
  const data = await readLiveData(reportDir);
  const photo = await fixturePhoto();
  const deno = new DenoModels();
  const backends: BackendCheck[] = [];
  try {
    for (const backend of options.backends ?? ["wasm", "webgpu"]) {
      backends.push(
        await checkBackend(reportDir, data, photo, deno, backend, options),
      );
    }
  } finally {
    deno.dispose();
  }
  const webgpuVsWasm: LiveCheck["webgpuVsWasm"] = {};
  const [w, g] = ["wasm", "webgpu"].map((b) =>
    backends.find((c) => c.requested === b)
  );
  const problems = backends.flatMap((b) =>
    b.problems.map((p) => `${b.requested}: ${p}`)
  );
  if (w && g) {
    for (const [id, gl] of Object.entries(g.logits)) {
      const wl = w.logits[id as LiveModelId];
      if (!wl || !gl) continue;
      const classes = gl.logits.length / gl.labels.length;
      const agreement = compareLogits(
        gl,
        Float32Array.from(wl.logits),
        classes,
      );
      webgpuVsWasm[id as LiveModelId] = agreement;
      if (!agreement.ok) {
        problems.push(
          `webgpu vs wasm, ${id}: max |diff| ${agreement.maxAbsDiff} (tolerance ${agreement.tolerance}), ${agreement.labelMismatches} labels differ`,
        );
      }
    }
  }
  return { backends, webgpuVsWasm, problems };
}

async function checkBackend(
  reportDir: string,
  data: LiveData,
  photo: Uint8Array,
  deno: DenoModels,
  requested: "wasm" | "webgpu",
  options: LiveCheckOptions,
): Promise<BackendCheck> {
  const timeout = options.timeoutMs ?? 180_000;
  const check: BackendCheck = {
    requested,
    forwardMs: {},
    agreement: {},
    logits: {},
    cells: [],
    screenshots: [],
    problems: [],
  };
  const problems = check.problems;
  const userDataDir = await Deno.makeTempDir({
    dir: reportDir,
    prefix: ".chromium-live-",
  });
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: options.executablePath ??
      Deno.env.get("COLOURLAB_CHROMIUM") ?? CHROMIUM,
    args: [...CHROMIUM_FLAGS, "--enable-unsafe-webgpu"],
    headless: true,
    viewport: { width: 1280, height: 900 },
    offline: true,
  });
  const shot = async (page: Page, name: string) => {
    if (!options.screenshotsDir) return;
    await Deno.mkdir(options.screenshotsDir, { recursive: true });
    const path = join(options.screenshotsDir, `${name}_${requested}.png`);
    await page.screenshot({ path, fullPage: true });
    check.screenshots.push(path);
  };
  try {
    if (requested === "wasm") {
      // Left to choose, the page must pass over SwiftShader (a software
      // adapter) for wasm.
      const auto = await openLivePage(
        context,
        join(reportDir, TRY_IT_PAGE),
        "",
        problems,
      );
      const s = await ready(auto, timeout);
      if (s.error !== undefined || s.backend !== "wasm") {
        problems.push(
          `without ?backend: ${s.error ?? `${s.backend} (${s.backendReason})`}`,
        );
      }
      await auto.close();
    }
    const page = await openLivePage(
      context,
      join(reportDir, TRY_IT_PAGE),
      requested,
      problems,
    );
    const s = await ready(page, timeout);
    check.backend = s.backend;
    check.backendReason = s.backendReason;
    check.firstPictureMs = s.timings.firstPicture;
    if (s.error !== undefined) {
      problems.push(`the page failed: ${s.error}`);
      return check;
    }
    if (s.backend !== requested) {
      problems.push(`asked for ${requested}, got ${s.backend}`);
    }
    // The photo: upright, scaled down, every model as Deno computes it.
    const after = await nextResult(
      page,
      () =>
        page.setInputFiles(`#${IDS.fileInput}`, {
          name: "sideways.jpg",
          mimeType: "image/jpeg",
          buffer: Buffer.from(photo),
        }),
      timeout,
    );
    const c = after.colourize;
    if (!c || c.source !== "sideways.jpg") {
      problems.push(
        `no colourization of the uploaded photo (${after.message})`,
      );
    } else {
      if (c.photo.width !== 1200 || c.photo.height !== 1600) {
        problems.push(
          `the photo is ${c.photo.width}x${c.photo.height}, not upright 1200x1600`,
        );
      }
      if (Math.max(c.working.width, c.working.height) > WORKING_MAX) {
        problems.push(
          `the photo was not scaled down (${c.working.width}x${c.working.height})`,
        );
      }
      for (const id of ["cnn", "unet"] as const) {
        const r = c.models[id];
        const dir = join(reportDir, "live", "models", id);
        if (!data.models[id]) continue;
        if (!r) {
          problems.push(`no ${id} result`);
          continue;
        }
        await compareModel(check, id, r, dir, c.input, c.inputSize, deno);
      }
    }
    const seg = after.segment;
    if (data.models.segmenter) {
      if (!seg || seg.source !== "sideways.jpg") {
        problems.push("no segmentation of the uploaded photo");
      } else {
        await compareModel(
          check,
          "segmenter",
          seg.segmenter,
          join(reportDir, "live", "models", "segmenter"),
          seg.input,
          seg.inputSize,
          deno,
        );
      }
    }
    await shot(page, "try_it");
    // A file that is not an image: a message, not a blank.
    const bad = await nextResult(
      page,
      () =>
        page.setInputFiles(`#${IDS.fileInput}`, {
          name: "notes.txt",
          mimeType: "text/plain",
          buffer: Buffer.from("not a picture"),
        }),
      timeout,
    );
    if (!/notes\.txt: not an image/.test(bad.message ?? "")) {
      problems.push(`a text file gave the message "${bad.message}"`);
    }
    await page.close();
    await checkScaleShift(check, reportDir, data, deno, context, timeout, shot);
  } catch (e) {
    problems.push(`check failed: ${(e as Error).message.split("\n")[0]}`);
  } finally {
    await context.close();
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
  return check;
}

/** Compares one model's browser result with Deno's on the same input. */
async function compareModel(
  check: BackendCheck,
  id: LiveModelId,
  r: { logits: number[]; labels: number[]; ms: number },
  dir: string,
  input: number[],
  size: { height: number; width: number },
  deno: DenoModels,
): Promise<void> {
  const logits = await deno.logits(dir, input, size);
  const classes = logits.length / (size.height * size.width);
  const agreement = compareLogits(r, logits, classes);
  check.agreement[id] = agreement;
  check.forwardMs[id] = r.ms;
  check.logits[id] = { logits: r.logits, labels: r.labels };
  if (!agreement.ok) {
    check.problems.push(
      `${id}: max |logit diff| ${agreement.maxAbsDiff.toExponential(2)} ` +
        `(tolerance ${agreement.tolerance.toExponential(2)}), ` +
        `${agreement.labelMismatches} of ${agreement.decided} decided labels differ`,
    );
  }
}
