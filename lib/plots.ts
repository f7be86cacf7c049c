/**
 * Every figure of the notebooks: Observable Plot rendered server-side with a
 * linkedom document, wrapped in one standalone SVG (with xmlns) that carries the
 * title, the legend and a white background. Size, colours and fonts live here.
 *
 * Each function returns an SVG string for lib/notebook.ts `showPlot`, or for
 * lib/io/images.ts `svgToPng`.
 *
 * @see issue 4 ("Figures with Observable Plot")
 * @module
 */

import * as Plot from "@observablehq/plot";
import { DOMParser } from "linkedom";
import { escapeHtml } from "./notebook.ts";

/** The house style: one size, font and palette for every figure. */
export const FIGURE = {
  width: 640,
  height: 340,
  font: "DejaVu Sans, Verdana, sans-serif",
  fontSize: 12,
  titleSize: 15,
  /** Tableau 10: distinguishable, colour-blind friendlier than the d3 default. */
  colours: [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
  ],
} as const;

/** One training run's per-epoch history (as lib/train records it). */
export interface HistoryPoint {
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
}

/** A named run for curve plots. */
export interface Series {
  name: string;
  history: HistoryPoint[];
}

/** Title and optional subtitle shared by every figure. */
export interface FigureOptions {
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
}

/** A legend entry: a colour swatch (line, dashed line or box) and its label. */
interface LegendItem {
  label: string;
  colour: string;
  kind?: "line" | "dashed" | "box" | "dot";
}

type PlotElement = { outerHTML: string };

function newDocument() {
  return new DOMParser().parseFromString(
    "<!DOCTYPE html><html></html>",
    "text/html",
  );
}

/** Plot.plot with the house style; returns the inner <svg> markup. */
function render(
  options: Record<string, unknown>,
  size: { width: number; height: number },
) {
  const svg = Plot.plot({
    document: newDocument(),
    width: size.width,
    height: size.height,
    style: {
      fontFamily: FIGURE.font,
      fontSize: `${FIGURE.fontSize}px`,
      background: "white",
    },
    marginLeft: 60,
    marginBottom: 45,
    ...options,
  } as Plot.PlotOptions) as unknown as PlotElement;
  return svg.outerHTML;
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
 * Wraps inner SVG markup in a standalone SVG with title, subtitle and legend
 * above it. `extra` is more SVG placed right of the legend (e.g. a colour ramp).
 */
function frame(
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
    y += 18;
    parts.push(
      `<text x="12" y="${y}" fill="#555">${
        escapeHtml(options.subtitle)
      }</text>`,
    );
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

function sizeOf(options: FigureOptions) {
  return {
    width: options.width ?? FIGURE.width,
    height: options.height ?? FIGURE.height,
  };
}

function colourOf(index: number): string {
  return FIGURE.colours[index % FIGURE.colours.length];
}

/**
 * Training (dashed) and validation (solid) loss per epoch, one colour per run.
 * `logY` helps when one run diverges (e.g. the handout's lr 0.3).
 * @see notebooks/01_colourization.ipynb, notebooks/04_skip_connections.ipynb
 */
export function lossCurves(
  series: Series[],
  options: Partial<FigureOptions> & { yLabel?: string; logY?: boolean } = {},
): string {
  const opts = { title: "Loss per epoch", ...options };
  const size = sizeOf(opts);
  const rows = series.flatMap((s) =>
    s.history.flatMap((h, i) => [
      { run: s.name, epoch: i + 1, split: "training", loss: h.trainLoss },
      { run: s.name, epoch: i + 1, split: "validation", loss: h.valLoss },
    ])
  );
  const domain = series.map((s) => s.name);
  const range = domain.map((_, i) => colourOf(i));
  const inner = render({
    x: epochAxis(series),
    y: {
      ...axisOf(
        opts.yLabel ?? "cross-entropy loss (nats per pixel)",
        opts.logY,
      ),
      grid: true,
    },
    color: { domain, range },
    marks: [
      Plot.line(rows.filter((r) => r.split === "training"), {
        x: "epoch",
        y: "loss",
        stroke: "run",
        strokeDasharray: "4 3",
        strokeWidth: 1.5,
      }),
      Plot.line(rows.filter((r) => r.split === "validation"), {
        x: "epoch",
        y: "loss",
        stroke: "run",
        strokeWidth: 2,
      }),
      Plot.dot(rows.filter((r) => r.split === "validation"), {
        x: "epoch",
        y: "loss",
        fill: "run",
        r: 2.5,
      }),
    ],
  }, size);
  const legend: LegendItem[] = [
    ...domain.map((label, i) => ({
      label,
      colour: range[i],
      kind: "box" as const,
    })),
    { label: "validation", colour: "#333", kind: "line" },
    { label: "training", colour: "#333", kind: "dashed" },
  ];
  return frame(inner, { ...opts, legend }, size);
}

/** An epoch axis with whole-number ticks only (at most about 10). */
function epochAxis(series: Series[]) {
  const n = Math.max(1, ...series.map((s) => s.history.length));
  const step = Math.ceil(n / 10);
  const ticks = Array.from(
    { length: Math.ceil(n / step) },
    (_, i) => 1 + i * step,
  );
  return { label: "epoch", ticks, tickFormat: "d" };
}

/**
 * Validation accuracy (percent of pixels whose colour is right) per epoch.
 * @see notebooks/01_colourization.ipynb, notebooks/05_batch_size.ipynb
 */
export function accuracyCurves(
  series: Series[],
  options: Partial<FigureOptions> = {},
): string {
  const opts = { title: "Validation accuracy per epoch", ...options };
  const size = sizeOf(opts);
  const rows = series.flatMap((s) =>
    s.history.map((h, i) => ({
      run: s.name,
      epoch: i + 1,
      accuracy: h.valAccuracy,
    }))
  );
  const domain = series.map((s) => s.name);
  const range = domain.map((_, i) => colourOf(i));
  const inner = render({
    x: epochAxis(series),
    y: {
      label: "validation accuracy (% of pixels)",
      grid: true,
      percent: true,
    },
    color: { domain, range },
    marks: [
      Plot.line(rows, {
        x: "epoch",
        y: "accuracy",
        stroke: "run",
        strokeWidth: 2,
      }),
      Plot.dot(rows, { x: "epoch", y: "accuracy", fill: "run", r: 2.5 }),
    ],
  }, size);
  const legend = domain.map((label, i) => ({
    label,
    colour: range[i],
    kind: "line" as const,
  }));
  return frame(inner, { ...opts, legend }, size);
}

/** A bar of {@link barChart}; `low`/`high` draw a whisker (e.g. min/max over seeds). */
export interface Bar {
  label: string;
  value: number;
  /** Bars with the same label and different series stand side by side. */
  series?: string;
  low?: number;
  high?: number;
}

/**
 * Vertical bars with their values written on top, optional whiskers and groups.
 * @see notebooks/05_batch_size.ipynb
 */
export function barChart(
  bars: Bar[],
  options: FigureOptions & { xLabel?: string; yLabel: string; digits?: number },
): string {
  const size = sizeOf(options);
  const digits = options.digits ?? 3;
  const seriesNames = [...new Set(bars.map((b) => b.series ?? ""))];
  const grouped = seriesNames.length > 1;
  const range = seriesNames.map((_, i) => colourOf(i));
  const labels = [...new Set(bars.map((b) => b.label))];
  const rows = bars.map((b) => ({
    ...b,
    series: b.series ?? "",
    text: fmt(b.value, digits),
  }));
  const x = grouped ? "series" : "label";
  const common = grouped ? { fx: "label" } : {};
  const whiskers = rows.filter((r) =>
    r.low !== undefined && r.high !== undefined
  );
  const inner = render({
    ...(grouped
      ? {
        fx: { domain: labels, label: options.xLabel ?? null },
        x: { axis: null, domain: seriesNames },
      }
      : { x: { domain: labels, label: options.xLabel ?? null } }),
    y: { label: options.yLabel, grid: true },
    color: { domain: seriesNames, range },
    marks: [
      Plot.barY(rows, {
        x,
        y: "value",
        fill: grouped ? "series" : colourOf(0),
        ...common,
      }),
      Plot.ruleX(whiskers, {
        x,
        y1: "low",
        y2: "high",
        stroke: "#333",
        ...common,
      }),
      // Above the whisker when there is one.
      Plot.text(rows, {
        x,
        y: (r: Bar) => Math.max(r.value, r.high ?? r.value),
        text: "text",
        dy: -7,
        ...common,
      }),
      Plot.ruleY([0]),
    ],
  }, size);
  const legend = grouped
    ? seriesNames.map((label, i) => ({
      label,
      colour: range[i],
      kind: "box" as const,
    }))
    : [];
  return frame(inner, { ...options, legend }, size);
}

function fmt(v: number, digits: number): string {
  return Number.isInteger(v)
    ? String(v)
    : Number(v.toPrecision(digits)).toString();
}

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

/** A point of {@link lineChart} or {@link scatterWithFit}. */
export interface Point {
  x: number;
  y: number;
  series?: string;
}

/** Least-squares line y = slope * x + intercept. */
export function fitLine(
  points: { x: number; y: number }[],
): { slope: number; intercept: number } {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const slope = sxx === 0 ? NaN : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** Axis options shared by lineChart and scatterWithFit. */
export interface XYOptions extends FigureOptions {
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
}

/** A linear or log axis; log ticks as plain numbers (not SI "500m"). */
function axisOf(label: string, log?: boolean) {
  return log
    ? { label, type: "log", tickFormat: "~g" }
    : { label, type: "linear" };
}

function seriesOf(points: Point[]) {
  const names = [...new Set(points.map((p) => p.series ?? ""))];
  return { names, range: names.map((_, i) => colourOf(i)) };
}

/**
 * Lines with dots, one per series (e.g. accuracy against the scale a).
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function lineChart(points: Point[], options: XYOptions): string {
  const size = sizeOf(options);
  const { names, range } = seriesOf(points);
  const rows = points.map((p) => ({ ...p, series: p.series ?? "" }));
  const inner = render({
    x: axisOf(options.xLabel, options.logX),
    y: { ...axisOf(options.yLabel, options.logY), grid: true },
    color: { domain: names, range },
    marks: [
      Plot.line(rows, { x: "x", y: "y", stroke: "series", strokeWidth: 2 }),
      Plot.dot(rows, { x: "x", y: "y", fill: "series", r: 3 }),
    ],
  }, size);
  const legend = names.length > 1 || names[0] !== ""
    ? names.map((label, i) => ({
      label,
      colour: range[i],
      kind: "line" as const,
    }))
    : [];
  return frame(inner, { ...options, legend }, size);
}

/**
 * Points with a least-squares line per series; each legend entry gives the slope.
 * With logX/logY the fit is made in log10 space (a power law's exponent).
 * @see Part C (scaling measurements)
 */
export function scatterWithFit(points: Point[], options: XYOptions): string {
  const size = sizeOf(options);
  const { names, range } = seriesOf(points);
  const tx = (v: number) => options.logX ? Math.log10(v) : v;
  const ty = (v: number) => options.logY ? Math.log10(v) : v;
  const untY = (v: number) => options.logY ? 10 ** v : v;
  const lines: { x: number; y: number; series: string }[] = [];
  const legend: LegendItem[] = [];
  names.forEach((name, i) => {
    const own = points.filter((p) => (p.series ?? "") === name);
    const fit = fitLine(own.map((p) => ({ x: tx(p.x), y: ty(p.y) })));
    const xs = own.map((p) => p.x);
    for (const x of [Math.min(...xs), Math.max(...xs)]) {
      lines.push({
        x,
        y: untY(fit.slope * tx(x) + fit.intercept),
        series: name,
      });
    }
    const what = `${name ? name + ": " : ""}slope ${fmt(fit.slope, 3)}`;
    legend.push({ label: what, colour: range[i], kind: "line" });
  });
  const rows = points.map((p) => ({ ...p, series: p.series ?? "" }));
  const inner = render({
    x: axisOf(options.xLabel, options.logX),
    y: { ...axisOf(options.yLabel, options.logY), grid: true },
    color: { domain: names, range },
    marks: [
      Plot.dot(rows, {
        x: "x",
        y: "y",
        fill: "series",
        r: 3.5,
        fillOpacity: 0.8,
      }),
      Plot.line(lines, {
        x: "x",
        y: "y",
        stroke: "series",
        strokeWidth: 1.5,
        strokeDasharray: "6 3",
      }),
    ],
  }, size);
  return frame(inner, { ...options, legend }, size);
}
