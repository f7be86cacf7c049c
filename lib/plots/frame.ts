/**
 * The standalone SVG around a rendered plot: title, subtitle and legend rows
 * above it (laid out here, so that title, legend and plot are one SVG), with
 * xmlns and a white background.
 *
 * @module
 */

import { escapeHtml } from "../io/html.ts";
import { FIGURE, type FigureOptions } from "./figure.ts";

/** A legend entry: a colour swatch (line, dashed line or box) and its label. */
export interface LegendItem {
  label: string;
  colour: string;
  kind?: "line" | "dashed" | "box" | "dot" | "ring";
}

/** Approximate text width in pixels (DejaVu Sans at FIGURE.fontSize). */
function textWidth(text: string): number {
  return text.length * FIGURE.fontSize * 0.62;
}

function legendSwatch(item: LegendItem, x: number, y: number): string {
  const c = escapeHtml(item.colour);
  switch (item.kind ?? "line") {
    case "box":
      return `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${c}"/>`;
    case "dot":
      return `<circle cx="${x + 7}" cy="${y - 4}" r="4" fill="${c}"/>`;
    case "ring":
      return `<circle cx="${x + 7}" cy="${
        y - 4
      }" r="3.5" fill="none" stroke="${c}"/>`;
    case "dashed":
      return `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${
        y - 4
      }" stroke="${c}" stroke-width="2" stroke-dasharray="4 3"/>`;
    default:
      return `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${
        y - 4
      }" stroke="${c}" stroke-width="2"/>`;
  }
}

/** Lays legend items out in rows; returns the markup and the height used. */
function legendRows(items: LegendItem[], width: number, top: number) {
  let x = 12;
  let y = top + 14;
  const parts: string[] = [];
  for (const item of items) {
    const w = 24 + textWidth(item.label) + 16;
    if (x + w > width && x > 12) {
      x = 12;
      y += 18;
    }
    parts.push(legendSwatch(item, x, y));
    parts.push(`<text x="${x + 22}" y="${y}">${escapeHtml(item.label)}</text>`);
    x += w;
  }
  return { markup: parts.join(""), height: items.length ? y - top + 8 : 0 };
}

/**
 * Greedy word wrap of `text` into lines that fit `width` pixels at the
 * figures' font size (an SVG <text> does not wrap; a long subtitle was cut).
 */
export function wrapText(text: string, width: number): string[] {
  // DejaVu Sans averages about 0.6 em per character
  const perLine = Math.max(20, Math.floor(width / (0.6 * FIGURE.fontSize)));
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > perLine) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Wraps inner SVG markup in a standalone SVG with title, subtitle and legend
 * above it. `extra` is more SVG placed right of the legend (e.g. a colour ramp).
 */
export function frame(
  inner: string,
  options: FigureOptions & {
    legend?: LegendItem[];
    extra?: { markup: string; height: number };
  },
  size: { width: number; height: number },
): string {
  const { width } = size;
  const parts: string[] = [];
  let y = 22;
  parts.push(
    `<text x="12" y="${y}" font-size="${FIGURE.titleSize}" font-weight="bold">${
      escapeHtml(options.title)
    }</text>`,
  );
  if (options.subtitle) {
    y += 3;
    for (const line of wrapText(options.subtitle, width - 24)) {
      y += 15;
      parts.push(
        `<text x="12" y="${y}" fill="#555">${escapeHtml(line)}</text>`,
      );
    }
  }
  const legend = legendRows(options.legend ?? [], width, y);
  parts.push(legend.markup);
  y += legend.height;
  if (options.extra) {
    parts.push(
      `<g transform="translate(12,${y + 4})">${options.extra.markup}</g>`,
    );
    y += options.extra.height + 4;
  }
  y += 6;
  const total = Math.ceil(y + size.height);
  // The inner Plot <svg> keeps its own viewBox; nested at (0, y).
  // Plot's <style> sizes a root <svg> in HTML (height: auto, max-width: 100%);
  // on a nested one inlined in a page it would resize the plot, so it goes.
  const nested = inner.replace(/^<svg /, `<svg x="0" y="${y}" `)
    .replace(/<style>[\s\S]*?<\/style>/, "");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}"`,
    ` viewBox="0 0 ${width} ${total}" font-family="${FIGURE.font}"`,
    ` font-size="${FIGURE.fontSize}" role="img">`,
    `<title>${escapeHtml(options.title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    parts.join(""),
    nested,
    `</svg>`,
  ].join("");
}
