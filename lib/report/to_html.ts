/**
 * One executed notebook -> one self-contained HTML page, with nbconvert (Debian's
 * jupyter-nbconvert 6.5), formulas typeset at build time, and a banner stating
 * how the report was made.
 *
 * @module
 */

import { escapeHtml } from "../io/html.ts";
import { renderMath } from "./math.ts";
import { makeSelfContained } from "./self_contained.ts";

/** nbconvert's command (override with $COLOURLAB_NBCONVERT). */
export const NBCONVERT = "jupyter-nbconvert";

/** The page template: JupyterLab's, with SVG inlined unsanitised and no scripts. */
export const TEMPLATE = new URL(
  "../../tools/nbconvert/colourlab.html.j2",
  import.meta.url,
).pathname;

/** A line of facts shown at the top of every page (quick mode, data, backend). */
export interface Banner {
  /**
   * Shown first, on a line of their own, large and red: what no reader may
   * miss (synthetic data standing in for the assignment's).
   */
  alarms?: string[];
  /** Shown highlighted, e.g. "Quick mode: ...". */
  warnings: string[];
  /** Shown plainly, e.g. ["data: synthetic", "backend: wasm"]. */
  facts: string[];
  /** Link back to the index, relative to the page. */
  indexHref?: string;
}

/** The banner's style element. */
export const BANNER_CSS = `<style>
.colourlab-banner { font: 14px/1.4 "DejaVu Sans", sans-serif; padding: 8px 14px;
  background: #f3f6fa; border-bottom: 1px solid #ccd; }
.colourlab-banner .warn { background: #fff3cd; border: 1px solid #e0c060;
  padding: 1px 6px; margin-right: 8px; font-weight: bold; }
.colourlab-banner .fact { margin-right: 14px; color: #333; }
.colourlab-alarm { font: bold 20px/1.35 "DejaVu Sans", sans-serif; padding: 10px 14px;
  background: #b00020; color: #fff; }
</style>`;

/** The banner's HTML: the alarms' line first, then the banner line. */
export function bannerHtml(banner: Banner): string {
  const parts = [
    ...(banner.indexHref
      ? [
        `<a href="${
          escapeHtml(banner.indexHref)
        }">&larr; report index</a> &nbsp;`,
      ]
      : []),
    ...banner.warnings.map((w) => `<span class="warn">${escapeHtml(w)}</span>`),
    ...banner.facts.map((f) => `<span class="fact">${escapeHtml(f)}</span>`),
  ];
  const alarms = banner.alarms?.length
    ? `<div class="colourlab-alarm" role="alert">${
      banner.alarms.map(escapeHtml).join("<br>")
    }</div>\n`
    : "";
  return `${alarms}<div class="colourlab-banner" role="note">${
    parts.join("")
  }</div>`;
}

/** Puts the banner (and its CSS) at the top of a page's body. */
export function withBanner(html: string, banner: Banner): string {
  const withCss = html.includes("</head>")
    ? html.replace("</head>", `${BANNER_CSS}\n</head>`)
    : BANNER_CSS + html;
  const body = /<body\b[^>]*>/i.exec(withCss);
  const bar = bannerHtml(banner);
  if (!body) return bar + withCss;
  const at = body.index + body[0].length;
  return withCss.slice(0, at) + "\n" + bar + withCss.slice(at);
}

/**
 * Converts an executed notebook to a self-contained page at `outHtml` (images
 * embedded as data URIs, no scripts from elsewhere) with the banner on top.
 */
export async function notebookToHtml(
  executed: string,
  outHtml: string,
  banner: Banner,
  signal?: AbortSignal,
): Promise<void> {
  const command = Deno.env.get("COLOURLAB_NBCONVERT") ?? NBCONVERT;
  const result = await new Deno.Command(command, {
    args: [
      "--to",
      "html",
      "--embed-images",
      "--template-file",
      TEMPLATE,
      "--stdout",
      executed,
    ],
    env: { PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    signal, // a stopped report stops nbconvert too
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    const err = new TextDecoder().decode(result.stderr).trim().split("\n")
      .slice(-5);
    throw new Error(`${command} failed on ${executed}:\n${err.join("\n")}`);
  }
  const html = new TextDecoder().decode(result.stdout);
  const page = withBanner(renderMath(makeSelfContained(html)), banner);
  await Deno.writeTextFile(outHtml, page);
}
