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
import type { BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import {
  IDS,
  LIVE_DATA_GLOBAL,
  type LiveData,
  type LiveModelId,
  type LiveState,
  STATE_GLOBAL,
  WORKING_MAX,
} from "../browser/live_data.ts";
import { CHROMIUM, CHROMIUM_FLAGS } from "./browser_check.ts";
import {
  CHANGE_TOLERANCE,
  compareLogits,
  DenoModels,
  type LogitAgreement,
} from "./live_compare.ts";
import { TRY_IT_PAGE } from "./live_page.ts";

/** The A.4 cells the check sets with the sliders (on wasm). */
export const CHECKED_CELLS = [
  { a: 2, b: 0, mode: "training" },
  { a: -1, b: 0, mode: "training" },
  { a: 1, b: 0.5, mode: "training" },
  { a: 2, b: 0, mode: "inference" },
  { a: 0.5, b: -0.25, mode: "inference" },
] as const;

/**
 * On WebGPU: one cell per BatchNorm mode. SwiftShader, the only WebGPU
 * here, takes seconds per update (a CPU emulating a GPU).
 */
export const WEBGPU_CELLS = [CHECKED_CELLS[0], CHECKED_CELLS[4]] as const;

/** One A.4 cell as the browser and lib/analysis saw it. */
export interface CellCheck {
  a: number;
  b: number;
  mode: string;
  model: string;
  browser: number;
  deno: number;
  /** Milliseconds of the page's update (slider event to pictures drawn). */
  ms: number;
}

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

/**
 * A 1200x1600 (portrait) scene, sky on top, stored as a phone stores a photo
 * taken sideways: the pixels turned to 1600x1200, with EXIF orientation 6
 * saying to turn them back. Upright it shows sky above grass and a brown
 * blob; ignoring the EXIF tag would give a 1600x1200 picture.
 */
export async function fixturePhoto(): Promise<Uint8Array> {
  const w = 1200, h = 1600;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      const horse = (x - 600) ** 2 / 300 ** 2 + (y - 1000) ** 2 / 200 ** 2 < 1;
      const sky = y < 700;
      rgb[o] = horse ? 120 : sky ? 110 + (y >> 4) : 60;
      rgb[o + 1] = horse ? 70 : sky ? 150 + (y >> 5) : 140 + (x % 50);
      rgb[o + 2] = horse ? 40 : sky ? 230 : 50;
    }
  }
  // Stored turned 90 degrees anticlockwise; orientation 6 = turn clockwise to show.
  const stored = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .rotate(-90).raw().toBuffer({ resolveWithObject: true });
  const jpeg = await sharp(stored.data, {
    raw: { width: stored.info.width, height: stored.info.height, channels: 3 },
  }).jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toBuffer();
  return new Uint8Array(jpeg);
}

const STATE = `globalThis.${STATE_GLOBAL}`;

async function state(page: Page): Promise<LiveState> {
  return await page.evaluate(
    `JSON.parse(JSON.stringify(${STATE}))`,
  ) as LiveState;
}

/** Waits until the page is ready or failed; returns its state. */
async function ready(page: Page, timeoutMs: number): Promise<LiveState> {
  await page.waitForFunction(
    `${STATE} && (${STATE}.ready || ${STATE}.error !== undefined)`,
    undefined,
    { timeout: timeoutMs },
  );
  return await state(page);
}

/** Runs `act`, then waits for the page's next result. */
async function nextResult(
  page: Page,
  act: () => Promise<void>,
  timeoutMs: number,
): Promise<LiveState> {
  const seq = (await state(page)).seq;
  await act();
  await page.waitForFunction(`${STATE}.seq > ${seq}`, undefined, {
    timeout: timeoutMs,
  });
  return await state(page);
}

/**
 * Opens `file` of the report with every request but file:, data: and blob:
 * blocked; `backend` goes into `?backend=` ("": the page chooses).
 */
async function open(
  context: BrowserContext,
  file: string,
  backend: string,
  problems: string[],
): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`script error: ${e}`));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (/^(file|data|blob):/.test(url)) return route.continue();
    problems.push(`requested ${url.slice(0, 100)}`);
    return route.abort();
  });
  const url = new URL(`file://${file}`);
  if (backend) url.searchParams.set("backend", backend);
  await page.goto(url.href, { waitUntil: "load" });
  return page;
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
      const auto = await open(
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
    const page = await open(
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

/** Notebook 03's page: move the sliders, compare with lib/analysis. */
async function checkScaleShift(
  check: BackendCheck,
  reportDir: string,
  data: LiveData,
  deno: DenoModels,
  context: BrowserContext,
  timeout: number,
  shot: (page: Page, name: string) => Promise<void>,
): Promise<void> {
  const name = [...Deno.readDirSync(reportDir)].map((e) => e.name)
    .find((n) => /^03_[\w-]+\.html$/.test(n));
  if (!name) return; // a report without notebook 03
  const page = await open(
    context,
    join(reportDir, name),
    check.requested,
    check.problems,
  );
  const s = await ready(page, timeout);
  if (s.error !== undefined) {
    check.problems.push(`${name}: the page failed: ${s.error}`);
    return;
  }
  const cells = check.requested === "webgpu" ? WEBGPU_CELLS : CHECKED_CELLS;
  for (const cell of cells) {
    // The switch and both sliders set, then one "input" event, as a drag
    // ends: one update to wait for and time.
    const after = await nextResult(page, async () => {
      await page.evaluate(`(() => {
        document.querySelector('input[name="${IDS.statsMode}"][value="${cell.mode}"]').checked = true;
        document.getElementById("${IDS.scaleB}").value = "${cell.b}";
        const a = document.getElementById("${IDS.scaleA}");
        a.value = "${cell.a}";
        a.dispatchEvent(new Event("input", { bubbles: true }));
      })()`);
    }, timeout);
    await page.waitForFunction(
      `(() => { const r = ${STATE}.scaleShift; return r && r.a === ${cell.a} && r.b === ${cell.b} && r.mode === "${cell.mode}"; })()`,
      undefined,
      { timeout },
    );
    const r = (await state(page)).scaleShift ?? after.scaleShift!;
    for (const id of ["cnn", "unet"] as const) {
      const got = r.models[id];
      if (!data.models[id]) continue;
      if (!got) {
        check.problems.push(`${name}: no ${id} result for a=${cell.a}`);
        continue;
      }
      const want = await deno.relativeChange(
        join(reportDir, "live", "models", id),
        data.validation,
        cell,
      );
      check.cells.push({
        ...cell,
        model: id,
        browser: got.relativeChange,
        deno: want,
        ms: r.ms,
      });
      if (!(Math.abs(got.relativeChange - want) <= CHANGE_TOLERANCE)) {
        check.problems.push(
          `${name}: ${id} a=${cell.a} b=${cell.b} ${cell.mode}: relative change ${got.relativeChange} in the browser, ${want} in lib/analysis`,
        );
      }
    }
  }
  await shot(page, "a4");
  await page.close();
}
