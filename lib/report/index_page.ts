/**
 * report/index.html: the headline table (each question, the measured answer, the
 * reference figure, the time taken) linking every notebook's page.
 *
 * @module
 */

import { escapeHtml } from "../io/html.ts";
import type { Headline, RunContext } from "../show/records.ts";
import type { SyntheticUse } from "./synthetic_alarm.ts";
import { type Banner, BANNER_CSS, bannerHtml } from "./to_html.ts";

/** One notebook of the report, as the index shows it. */
export interface PageSummary {
  /** Notebook name without extension, e.g. "01_colourization". */
  name: string;
  /** The page's file name in the report folder, e.g. "01_colourization.html". */
  html?: string;
  /** "ok", "failed" or "not run" (after an earlier failure). */
  status: "ok" | "failed" | "not run";
  /** Wall seconds of the run (kernel start to shutdown). */
  seconds?: number;
  /** Which cell failed and how. */
  failure?: string;
  headlines: Headline[];
  context: RunContext;
  /** What synthetic data it ran on (its page's alarms say so). */
  synthetic?: SyntheticUse;
}

/** The live page, as the index links it. */
export interface LiveSummary {
  ok: boolean;
  /** Its file name in the report folder, e.g. "try_it.html", when written. */
  html?: string;
  seconds: number;
  /** Why it could not be made. */
  failure?: string;
}

/** Everything the index needs. */
export interface IndexInput {
  title: string;
  pages: PageSummary[];
  banner: Banner;
  /** Total wall seconds of the report. */
  seconds: number;
  /** ISO time the report was made. */
  createdAt: string;
  /** The live page, if the report has one. */
  live?: LiveSummary;
}

/** Seconds as "42 s" or "12 min 5 s". */
export function formatSeconds(s: number): string {
  if (s < 90) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return m < 90
    ? `${m} min ${Math.round(s % 60)} s`
    : `${(s / 3600).toFixed(1)} h`;
}

const CSS = `<style>
body { font: 15px/1.45 "DejaVu Sans", sans-serif; margin: 0; color: #222; }
main { padding: 12px 24px 40px; max-width: 1100px; }
table { border-collapse: collapse; margin: 12px 0; }
th, td { border: 1px solid #ccd; padding: 5px 9px; vertical-align: top; text-align: left; }
th { background: #eef1f6; }
td.time { text-align: right; white-space: nowrap; }
.failed { color: #a00; font-weight: bold; }
.muted { color: #777; }
p.live { background: #eef6ee; border: 1px solid #9c9; padding: 6px 10px; }
</style>`;

/** The notebook and time cells of a page's first row (spanning its headlines). */
function pageCells(
  page: PageSummary,
  rows: number,
): { name: string; time: string } {
  const link = page.html
    ? `<a href="${escapeHtml(page.html)}">${escapeHtml(page.name)}</a>` +
      `<br><a class="muted" href="notebooks/${escapeHtml(page.name)}.ipynb">` +
      `executed .ipynb</a>`
    : escapeHtml(page.name);
  const status = page.status === "ok"
    ? ""
    : `<br><span class="failed">${page.status}</span>` +
      (page.failure
        ? `<br><span class="failed">${escapeHtml(page.failure)}</span>`
        : "");
  const span = rows > 1 ? ` rowspan="${rows}"` : "";
  const time = page.seconds === undefined ? "" : formatSeconds(page.seconds);
  return {
    name: `<td${span}>${link}${status}</td>`,
    time: `<td${span} class="time">${time}</td>`,
  };
}

/** The paragraph that links the live page (or says why there is none). */
function liveHtml(live: LiveSummary | undefined): string {
  if (!live) return "";
  if (!live.html) {
    return `<p class="failed">The live page could not be made: ${
      escapeHtml(live.failure ?? "unknown error")
    }</p>`;
  }
  return `<p class="live"><a href="${escapeHtml(live.html)}">` +
    `Try the trained models on your own picture</a>: the CNN, the UNet and ` +
    `Part C's horse segmenter run in your browser (WebGPU or wasm, nothing ` +
    `leaves the page); notebook 03's page has the A.4 experiment live, with ` +
    `sliders for a and b.</p>`;
}

/** The index page's HTML. */
export function indexHtml(input: IndexInput): string {
  const rows: string[] = [];
  for (const page of input.pages) {
    const lines = page.headlines.length ? page.headlines : [undefined];
    const cells = pageCells(page, lines.length);
    lines.forEach((h, i) => {
      const q = h
        ? escapeHtml(h.question)
        : `<span class="muted">(no headline recorded)</span>`;
      const a = h ? escapeHtml(h.answer) : "";
      const r = h?.reference ? escapeHtml(h.reference) : "";
      rows.push(
        `<tr>${
          i === 0 ? cells.name : ""
        }<td>${q}</td><td>${a}</td><td>${r}</td>` +
          `${i === 0 ? cells.time : ""}</tr>`,
      );
    });
  }
  const failed = input.pages.filter((p) => p.status !== "ok").length;
  return [
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`,
    `<title>${escapeHtml(input.title)}</title>${CSS}`,
    `${BANNER_CSS}</head><body>`,
    bannerHtml(input.banner),
    `<main><h1>${escapeHtml(input.title)}</h1>`,
    `<p>${input.pages.length} notebook(s), run top to bottom in fresh Deno kernels; `,
    `${
      formatSeconds(input.seconds)
    } in all (wall time; notebooks run side by side, so their times add up to more); made ${
      escapeHtml(input.createdAt)
    }.`,
    failed ? ` <span class="failed">${failed} did not complete.</span>` : "",
    `</p>`,
    liveHtml(input.live),
    `<table><thead><tr><th>Notebook</th><th>Question</th><th>Measured answer</th>`,
    `<th>Published or reference figure</th><th>Time taken</th></tr></thead>`,
    `<tbody>${rows.join("\n")}</tbody></table>`,
    `</main></body></html>`,
  ].join("\n");
}
