/**
 * Driving the live page in Chromium for the check: open a page of the
 * report with every request other than `file:`, `data:` and `blob:`
 * blocked, read its state (`window.colourlabLive`), wait for it to be ready
 * and for its next result; and the photo the check uploads.
 *
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { type LiveState, STATE_GLOBAL } from "../browser/live_data.ts";

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

/** The page's state, as an expression in the page. */
export const STATE = `globalThis.${STATE_GLOBAL}`;

/** The page's state, copied out. */
export async function state(page: Page): Promise<LiveState> {
  return await page.evaluate(
    `JSON.parse(JSON.stringify(${STATE}))`,
  ) as LiveState;
}

/** Waits until the page is ready or failed; returns its state. */
export async function ready(page: Page, timeoutMs: number): Promise<LiveState> {
  await page.waitForFunction(
    `${STATE} && (${STATE}.ready || ${STATE}.error !== undefined)`,
    undefined,
    { timeout: timeoutMs },
  );
  return await state(page);
}

/** Runs `act`, then waits for the page's next result. */
export async function nextResult(
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
export async function openLivePage(
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
