/**
 * Heatmaps: a matrix as coloured cells with a colour ramp legend.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { escapeHtml } from "../io/html.ts";
import { type FigureOptions, fmt, render } from "./figure.ts";
import { frame } from "./frame.ts";

let rampCount = 0;

/** A horizontal colour ramp legend as SVG (Plot's own needs a canvas). */
function rampLegend(
  scale: { apply(v: number): unknown },
  domain: [number, number],
  label: string,
): { markup: string; height: number } {
  // Unique per figure: several figures are inlined into one HTML page.
  const id = `colourlab-ramp-${++rampCount}`;
  const stops = Array.from({ length: 11 }, (_, i) => {
    const v = domain[0] + (domain[1] - domain[0]) * i / 10;
    return `<stop offset="${i * 10}%" stop-color="${String(scale.apply(v))}"/>`;
  }).join("");
  const w = 240;
  return {
    markup:
      `<defs><linearGradient id="${id}">${stops}</linearGradient></defs>` +
      `<text x="0" y="10">${escapeHtml(label)}</text>` +
      `<rect x="0" y="16" width="${w}" height="10" fill="url(#${id})"/>` +
      `<text x="0" y="40">${fmt(domain[0], 3)}</text>` +
      `<text x="${w}" y="40" text-anchor="end">${fmt(domain[1], 3)}</text>`,
    height: 44,
  };
}

/**
 * A matrix as coloured cells, row 0 at the top, with a colour ramp legend.
 * Labels default to indices; `annotate` writes each value in its cell.
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function heatmap(
  matrix: number[][],
  options: FigureOptions & {
    xLabels?: string[];
    yLabels?: string[];
    xLabel?: string;
    yLabel?: string;
    valueLabel?: string;
    scheme?: string;
    annotate?: boolean;
    digits?: number;
  },
): string {
  const rowsN = matrix.length;
  const colsN = Math.max(0, ...matrix.map((r) => r.length));
  const xLabels = options.xLabels ??
    Array.from({ length: colsN }, (_, i) => String(i));
  const yLabels = options.yLabels ??
    Array.from({ length: rowsN }, (_, i) => String(i));
  const cells = matrix.flatMap((row, i) =>
    row.map((value, j) => ({ x: xLabels[j], y: yLabels[i], value }))
  );
  const values = cells.map((c) => c.value).filter(Number.isFinite);
  const domain: [number, number] = values.length
    ? [Math.min(...values), Math.max(...values)]
    : [0, 1];
  if (domain[0] === domain[1]) domain[1] = domain[0] + 1;
  const color = { type: "linear", domain, scheme: options.scheme ?? "viridis" };
  const cellPx = Math.max(4, Math.min(40, 480 / Math.max(colsN, rowsN, 1)));
  const size = {
    width: options.width ?? Math.max(320, Math.round(cellPx * colsN + 100)),
    height: options.height ?? Math.round(cellPx * rowsN + 70),
  };
  const every = (n: number) => Math.max(1, Math.ceil(n / 16)); // at most ~16 tick labels
  const inner = render({
    x: {
      domain: xLabels,
      label: options.xLabel ?? null,
      ticks: xLabels.filter((_, i) => i % every(colsN) === 0),
    },
    y: {
      domain: yLabels,
      label: options.yLabel ?? null,
      ticks: yLabels.filter((_, i) => i % every(rowsN) === 0),
    },
    color,
    padding: 0,
    marginTop: 10,
    marks: [
      Plot.cell(cells, { x: "x", y: "y", fill: "value", inset: 0 }),
      ...(options.annotate
        ? [Plot.text(cells, {
          x: "x",
          y: "y",
          text: (d: { value: number }) => fmt(d.value, options.digits ?? 2),
          fill: "white",
          stroke: "black",
          strokeWidth: 2,
          paintOrder: "stroke",
        })]
        : []),
    ],
  }, size);
  const scale = Plot.scale({
    color: color as Plot.ScaleOptions,
  }) as unknown as {
    apply(v: number): unknown;
  };
  const extra = rampLegend(scale, domain, options.valueLabel ?? "value");
  return frame(inner, { ...options, extra }, size);
}
