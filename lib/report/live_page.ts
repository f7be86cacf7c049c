/**
 * The report's live parts, as HTML: the "try it on your own picture" page
 * (`try_it.html`), the A.4 sliders added to notebook 03's page, and the links
 * to the live page on notebooks 01, 04 and 06's pages. Each loads
 * `live/data.js` (the models, lib/report/live_export.ts) and `live/live.js`
 * (the bundle, lib/report/live_bundle.ts) as classic scripts, which Chromium
 * runs from `file://` pages; the script (lib/browser/main.ts) finds its
 * panels by the ids in lib/browser/live_data.ts.
 *
 * @module
 */
import { join } from "node:path";
import { escapeHtml } from "../io/html.ts";
import { IDS, WORKING_MAX } from "../browser/live_data.ts";
import { type Banner, BANNER_CSS, bannerHtml } from "./to_html.ts";

/** The live page's file name in the report folder. */
export const TRY_IT_PAGE = "try_it.html";

/** The scripts every live page loads, in order, relative to the report folder. */
export const LIVE_SCRIPTS = ["live/data.js", "live/live.js"];

/** Notebook pages (by number) that link to the live page, and why. */
export const LINKED_NOTEBOOKS: Record<string, string> = {
  "01": "Try the trained CNN on your own picture",
  "04": "Try the CNN and the UNet side by side on your own picture",
  "06": "Try the fine-tuned horse segmenter on your own picture",
};

const CSS = `<style>
.colourlab-live { font: 15px/1.45 "DejaVu Sans", sans-serif; color: #222; }
.colourlab-live main { padding: 12px 24px 40px; max-width: 1150px; }
.colourlab-live section { margin: 18px 0; }
#${IDS.scaleShift} { margin: 24px; padding: 12px 18px; border: 1px solid #ccd;
  background: #fafbfd; font: 15px/1.45 "DejaVu Sans", sans-serif; }
#${IDS.scaleShift} p { margin: 8px 0; }
#${IDS.scaleShift} h2 { margin: 4px 0 8px; }
.live-status { color: #555; font-size: 13px; }
.live-status.error, .live-message.error { color: #a00; font-weight: bold; }
.live-drop { border: 2px dashed #99a; padding: 14px; margin: 8px 0; background: #f6f7fa; }
.live-drop.over { background: #e6f0ff; }
.live-figures { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.live-figures figure { margin: 0; }
.live-figures figcaption { font-size: 13px; color: #444; }
.live-pic { width: 320px; height: auto; display: block; }
.live-small { display: flex; gap: 12px; width: 100%; }
.live-small .live-pic { width: 96px; }
.pixelated, .live-row canvas { image-rendering: pixelated; }
.live-row { margin: 6px 0; }
.live-row-label { font-size: 13px; color: #333; }
.live-row canvas { max-width: 100%; }
.live-controls label { margin-right: 18px; }
.live-controls input[type=range] { width: 260px; vertical-align: middle; }
.live-note { color: #555; font-size: 13px; }
</style>`;

function scripts(prefix = ""): string {
  return LIVE_SCRIPTS.map((s) =>
    `<script src="${escapeHtml(prefix + s)}"></script>`
  ).join("\n");
}

/** The whole try-it page. `facts`: how the models were made (from data.js's maker). */
export function tryItPageHtml(
  opts: { banner: Banner; facts: string[]; models: string[] },
): string {
  const facts = opts.facts.map((f) => `<li>${escapeHtml(f)}</li>`).join("");
  const models = opts.models.map((m) => `<li>${escapeHtml(m)}</li>`).join("");
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>colourlab: try the models on your own picture</title>
${BANNER_CSS}${CSS}</head><body class="colourlab-live">
${bannerHtml(opts.banner)}
<main>
<h1>Try the trained models on your own picture</h1>
<p>The networks of this report run here, in your browser (TensorFlow.js, the
same code as the notebooks); your photo never leaves this page.</p>
<p id="${IDS.status}" class="live-status">loading ...</p>
<div id="${IDS.tryIt}">
<div id="${IDS.dropZone}" class="live-drop">
<label>Drop a photo here, or pick one: <input type="file" id="${IDS.fileInput}" accept="image/*"></label>
</div>
<p id="${IDS.message}" class="live-message"></p>
<section>
<h2>Colourize</h2>
<p class="live-note">As <code>deno task colourize</code> does it: the photo is
turned upright (EXIF orientation) and scaled down to at most ${WORKING_MAX}
pixels a side; for the networks it is stretched (not cropped or tiled) to their
32x32 input and made grey (the mean of R, G and B); each network's colour per
pixel (the arg-max of its palette) is scaled back up bilinearly as chroma and
added to the photo's own grey, so the detail is the photo's and the colours are
the network's. Your browser decodes and resizes the photo (the command line uses
sharp), so the grey the networks see may differ by a few levels.</p>
<div id="${IDS.colourizeOut}" class="live-figures"></div>
</section>
<section>
<h2>Segment</h2>
<p class="live-note">Part C's network (the pre-trained body with its
fine-tuned last layer) sees the grey photo stretched to the size it was trained
at; its horse probability is scaled back up bilinearly and shaded where it
exceeds the threshold.</p>
<p class="live-controls"><label>threshold on P(horse):
<input type="range" id="${IDS.threshold}" min="0.05" max="0.95" step="0.05" value="0.5">
<span id="${IDS.thresholdValue}">0.50</span></label>
<span id="${IDS.share}"></span></p>
<div id="${IDS.segmentOut}" class="live-figures"></div>
</section>
</div>
<section class="live-note">
<h2>The models</h2><ul>${models}</ul>
<ul>${facts}</ul>
<p>Add <code>?backend=wasm</code> or <code>?backend=webgpu</code> to this page's
address to choose the backend (default: WebGPU where your browser offers a
hardware adapter, else wasm with SIMD). The page's state and its last results
(backend, milliseconds, labels and logits) are in <code>window.colourlabLive</code>.</p>
</section>
</main>
${scripts()}
</body></html>
`;
}

/** The A.4 section for notebook 03's page. */
export function scaleShiftSectionHtml(): string {
  return `${CSS}
<section id="${IDS.scaleShift}" class="colourlab-live">
<h2>Live: move a and b yourself</h2>
<p class="live-note">The trained CNN and UNet of this report run in your
browser on a few validation images, fed as one batch (so batch statistics are
over these images, and the numbers differ from the tables above, whose batch is
larger). Relative change = mean |logits(a·x+b) − logits(x)| / mean |logits(x)|,
in the same BatchNorm mode.</p>
<p id="${IDS.status}" class="live-status">loading ...</p>
<p class="live-controls">
<label>scale a <input type="range" id="${IDS.scaleA}" min="-2" max="4" step="0.05" value="1">
<span id="${IDS.scaleAValue}">1.00</span></label>
<label>shift b <input type="range" id="${IDS.scaleB}" min="-1" max="1" step="0.05" value="0">
<span id="${IDS.scaleBValue}">0.00</span></label></p>
<p class="live-controls">BatchNorm:
<label><input type="radio" name="${IDS.statsMode}" value="training" checked> batch statistics (model.train())</label>
<label><input type="radio" name="${IDS.statsMode}" value="inference"> running statistics (model.eval())</label>
<span id="${IDS.scaleShiftMs}" class="live-note"></span></p>
<div id="${IDS.scaleShiftOut}"></div>
</section>
${scripts()}
`;
}

/** Inserts `html` before the end of `<main>` (else of `<body>`). */
function beforeEnd(page: string, html: string): string {
  for (const tag of ["</main>", "</body>"]) {
    const at = page.lastIndexOf(tag);
    if (at >= 0) return page.slice(0, at) + html + "\n" + page.slice(at);
  }
  return page + html;
}

/** Inserts a line right after the banner (or at the top of `<body>`). */
function afterBanner(page: string, html: string): string {
  const banner = /<div class="colourlab-banner"[^>]*>[\s\S]*?<\/div>/.exec(
    page,
  );
  const body = /<body\b[^>]*>/i.exec(page);
  const m = banner ?? body;
  if (!m) return html + page;
  const at = m.index + m[0].length;
  return page.slice(0, at) + "\n" + html + page.slice(at);
}

const LINK_CLASS = "colourlab-live-link";
const LINK_STYLE =
  `class="${LINK_CLASS}" style="font: 15px/1.45 'DejaVu Sans', sans-serif; margin: 6px 24px; padding: 4px 10px; background: #eef6ee; border: 1px solid #9c9;"`;

/**
 * Adds the live parts to a report's notebook pages in `reportDir`: the A.4
 * section to `03_*.html`, a link to {@link TRY_IT_PAGE} to the pages of
 * {@link LINKED_NOTEBOOKS}. Returns the pages changed.
 */
export async function addLiveToNotebookPages(
  reportDir: string,
): Promise<string[]> {
  const changed: string[] = [];
  for await (const e of Deno.readDir(reportDir)) {
    const m = /^(\d{2})_[\w-]+\.html$/.exec(e.name);
    if (!e.isFile || !m) continue;
    const path = join(reportDir, e.name);
    let page = await Deno.readTextFile(path);
    if (page.includes(LINK_CLASS)) continue; // done before
    const number = m[1];
    if (number === "03") {
      page = afterBanner(
        page,
        `<p ${LINK_STYLE}><a href="#${IDS.scaleShift}">Live: move a and b ` +
          `yourself, with the trained CNN and UNet running in your browser &darr;</a></p>`,
      );
      page = beforeEnd(page, scaleShiftSectionHtml());
    } else if (LINKED_NOTEBOOKS[number]) {
      page = afterBanner(
        page,
        `<p ${LINK_STYLE}><a href="${TRY_IT_PAGE}">${
          escapeHtml(LINKED_NOTEBOOKS[number])
        } &rarr;</a></p>`,
      );
    } else continue;
    await Deno.writeTextFile(path, page);
    changed.push(e.name);
  }
  return changed.sort();
}
