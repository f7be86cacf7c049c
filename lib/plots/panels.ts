/**
 * Several rendered plots side by side in one figure, each with its own small
 * title and its own y axis (Plot's facets share one scale; two measures,
 * such as a loss and an accuracy, or a zoomed training and validation loss,
 * need their own). The result goes into lib/plots/frame.ts like one plot.
 *
 * @module
 */
import { escapeHtml } from "../io/html.ts";
import { FIGURE } from "./figure.ts";

/** One panel: its title and the inner SVG that lib/plots/figure.ts `render` made. */
export interface Panel {
  title: string;
  svg: string;
  width: number;
}

const TITLE_HEIGHT = 20;

/**
 * The panels left to right in one SVG of height `height` + a title row;
 * returns the markup and its size for `frame`.
 */
export function sideBySide(
  panels: Panel[],
  height: number,
): { svg: string; size: { width: number; height: number } } {
  const width = panels.reduce((a, p) => a + p.width, 0);
  const total = height + TITLE_HEIGHT;
  let x = 0;
  const parts: string[] = [];
  for (const p of panels) {
    parts.push(
      `<text x="${x + 12}" y="14" font-weight="bold">${
        escapeHtml(p.title)
      }</text>`,
    );
    // each Plot <svg> nested at its offset; its <style> would resize it in a page
    parts.push(
      p.svg.replace(/^<svg /, `<svg x="${x}" y="${TITLE_HEIGHT}" `)
        .replace(/<style>[\s\S]*?<\/style>/g, ""),
    );
    x += p.width;
  }
  return {
    svg:
      `<svg width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-size="${FIGURE.fontSize}">${
        parts.join("")
      }</svg>`,
    size: { width, height: total },
  };
}

/** Splits the figure's width into `n` panel widths (the last takes the rest). */
export function panelWidths(width: number, n: number): number[] {
  const each = Math.floor(width / n);
  return Array.from(
    { length: n },
    (_, i) => i < n - 1 ? each : width - each * (n - 1),
  );
}
