/**
 * Heatmaps: coloured cells, in one panel or a grid of panels that share one
 * colour scale (one legend), with each value written in its cell in black or
 * white, whichever reads on the cell's colour.
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
      `<rect x="0" y="16" width="${w}" height="10" fill="url(#${id})" stroke="#999" stroke-width="0.5"/>` +
      `<text x="0" y="40">${fmt(domain[0], 3)}</text>` +
      `<text x="${w}" y="40" text-anchor="end">${fmt(domain[1], 3)}</text>`,
    height: 44,
  };
}

/** Black or white, whichever contrasts more with a CSS colour ("rgb(...)" or "#rrggbb"). */
export function textColourOn(fill: string): "black" | "white" {
  let rgb: number[] | undefined;
  const m = /rgb\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/.exec(fill);
  if (m) rgb = [m[1], m[2], m[3]].map(Number);
  else if (/^#[0-9a-f]{6}$/i.test(fill)) {
    rgb = [1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16));
  }
  if (!rgb) return "black";
  // relative luminance (WCAG): contrast with black beats white above ~0.18
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.18 ? "black" : "white";
}

/** One cell of {@link heatmapGrid}. */
export interface HeatCell {
  x: string;
  y: string;
  value: number;
  /** The panel's column in the grid (e.g. a BatchNorm mode). */
  column?: string;
  /** The panel's row in the grid (e.g. a model). */
  row?: string;
}

/** Options of {@link heatmapGrid} and {@link heatmap}. */
export interface HeatmapOptions extends FigureOptions {
  xLabel?: string;
  yLabel?: string;
  valueLabel?: string;
  /** A d3 colour scheme (default "blues": white is 0). */
  scheme?: string;
  /** The colour scale's domain (default: the values' extent). */
  domain?: [number, number];
  /** Write each value in its cell. */
  annotate?: boolean;
  /** How an annotated value is written (default 2 significant digits). */
  format?: (value: number) => string;
}

/**
 * Cells in a grid of panels (columns by `column`, rows by `row`), one colour
 * scale over all of them, so that equal colours mean equal values anywhere.
 * Categories keep the order they first appear in.
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function heatmapGrid(
  cells: HeatCell[],
  options: HeatmapOptions,
): string {
  const uniq = (f: (c: HeatCell) => string | undefined) =>
    [...new Set(cells.map(f))].filter((v): v is string => v !== undefined);
  const xs = uniq((c) => c.x);
  const ys = uniq((c) => c.y);
  const columns = uniq((c) => c.column);
  const rows = uniq((c) => c.row);
  const values = cells.map((c) => c.value).filter(Number.isFinite);
  const domain: [number, number] = options.domain ??
    (values.length ? [Math.min(...values), Math.max(...values)] : [0, 1]);
  if (domain[0] === domain[1]) domain[1] = domain[0] + 1;
  const color = {
    type: "linear",
    domain,
    scheme: options.scheme ?? "blues",
    clamp: true,
  };
  const scale = Plot.scale({
    color: color as Plot.ScaleOptions,
  }) as unknown as {
    apply(v: number): unknown;
  };
  const nc = Math.max(1, columns.length), nr = Math.max(1, rows.length);
  const margin = {
    left: options.yLabel ? 90 : 60,
    right: rows.length ? 90 : 20,
    top: columns.length ? 30 : 10,
    bottom: 45,
  };
  const gaps = { x: 30 * (nc - 1), y: 20 * (nr - 1) };
  const width = options.width ??
    Math.max(
      320,
      Math.min(40, Math.floor(560 / (xs.length * nc))) * xs.length * nc +
        gaps.x + margin.left + margin.right,
    );
  // square cells up to 32 px high
  const cellW = (width - gaps.x - margin.left - margin.right) /
    (xs.length * nc);
  const size = {
    width,
    height: options.height ??
      Math.round(
        Math.min(cellW, 32) * ys.length * nr + gaps.y + margin.top +
          margin.bottom,
      ),
  };
  const facets = {
    ...(columns.length ? { fx: "column" } : {}),
    ...(rows.length ? { fy: "row" } : {}),
  };
  const every = (n: number) => Math.max(1, Math.ceil(n / 16)); // at most ~16 tick labels
  const format = options.format ?? ((v: number) => fmt(v, 2));
  const inner = render({
    x: {
      domain: xs,
      label: options.xLabel ?? null,
      labelAnchor: "center",
      labelArrow: "none",
      ticks: xs.filter((_, i) => i % every(xs.length) === 0),
    },
    y: {
      domain: ys,
      label: options.yLabel ?? null,
      labelAnchor: "center",
      labelArrow: "none",
      labelOffset: margin.left - 12,
      ticks: ys.filter((_, i) => i % every(ys.length) === 0),
    },
    ...(columns.length
      ? { fx: { domain: columns, label: null, padding: 0.08 } }
      : {}),
    ...(rows.length
      ? { fy: { domain: rows, label: null, padding: 0.08 } }
      : {}),
    color,
    padding: 0,
    marginTop: margin.top,
    marginLeft: margin.left,
    marginRight: margin.right,
    marginBottom: margin.bottom,
    marks: [
      Plot.cell(cells, {
        x: "x",
        y: "y",
        fill: "value",
        // a white grid between big cells; none between a map's small ones
        inset: cellW >= 16 ? 0.5 : 0,
        ...facets,
      }),
      ...(options.annotate
        ? [Plot.text(cells, {
          x: "x",
          y: "y",
          text: (d: HeatCell) => format(d.value),
          fill: (d: HeatCell) =>
            Number.isFinite(d.value)
              ? textColourOn(String(scale.apply(d.value)))
              : "black",
          ...facets,
        })]
        : []),
    ],
  }, size);
  const extra = rampLegend(scale, domain, options.valueLabel ?? "value");
  return frame(inner, { ...options, extra }, size);
}

/**
 * A matrix as coloured cells, row 0 at the top, with a colour ramp legend.
 * Labels default to indices; `annotate` writes each value in its cell.
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function heatmap(
  matrix: number[][],
  options: HeatmapOptions & { xLabels?: string[]; yLabels?: string[] },
): string {
  const cols = Math.max(0, ...matrix.map((r) => r.length));
  const xLabels = options.xLabels ??
    Array.from({ length: cols }, (_, i) => String(i));
  const yLabels = options.yLabels ??
    Array.from({ length: matrix.length }, (_, i) => String(i));
  return heatmapGrid(
    matrix.flatMap((row, i) =>
      row.map((value, j) => ({ x: xLabels[j], y: yLabels[i], value }))
    ),
    options,
  );
}
