/**
 * Charts of y against x: lines with dots per series, and points with a
 * least-squares line per series (with the fit itself).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import {
  axisOf,
  colourOf,
  type FigureOptions,
  fmt,
  render,
  sizeOf,
} from "./figure.ts";
import { frame, type LegendItem } from "./frame.ts";

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
  /**
   * scatterWithFit: fit the straight line in the data's own units even on
   * log axes (drawn through every x), not a power law in log space.
   */
  linearFit?: boolean;
  /** scatterWithFit: the legend's words for a slope (default "slope 3"). */
  slopeText?: (slope: number) => string;
  /** scatterWithFit: ticks of x (default Plot's). */
  xTicks?: number[];
  /** scatterWithFit: one panel per series, side by side on shared axes (no line hides another). */
  panels?: boolean;
  /** One colour per series, in order of first appearance (default: the house colours). */
  colours?: string[];
}

function seriesOf(points: Point[], colours?: string[]) {
  const names = [...new Set(points.map((p) => p.series ?? ""))];
  return {
    names,
    range: names.map((_, i) => colours?.[i] ?? colourOf(i)),
  };
}

/**
 * Lines with dots, one per series (e.g. accuracy against the scale a).
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function lineChart(
  points: Point[],
  options: XYOptions & {
    /** Zoom: the y range shown; lines beyond it are cut at the frame. */
    yDomain?: [number, number];
    /** A dashed vertical line at this x (e.g. a fixed number of updates). */
    xRule?: number;
  },
): string {
  const size = sizeOf(options);
  const { names, range } = seriesOf(points, options.colours);
  const rows = points.map((p) => ({ ...p, series: p.series ?? "" }));
  const clip = options.yDomain !== undefined;
  const inner = render({
    x: axisOf(options.xLabel, options.logX),
    y: {
      ...axisOf(options.yLabel, options.logY),
      grid: true,
      ...(options.yDomain ? { domain: options.yDomain } : {}),
    },
    color: { domain: names, range },
    marks: [
      ...(options.xRule !== undefined
        ? [Plot.ruleX([options.xRule], {
          stroke: "#555",
          strokeDasharray: "5 4",
        })]
        : []),
      Plot.line(rows, {
        x: "x",
        y: "y",
        z: "series",
        stroke: "series",
        strokeWidth: 2,
        clip,
      }),
      Plot.dot(rows, { x: "x", y: "y", fill: "series", r: 3, clip }),
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
 * With logX/logY the fit is made in log10 space (a power law's exponent),
 * unless `linearFit` asks for a straight line in the data's units.
 * @see notebooks/06_fine_tuning.ipynb
 */
export function scatterWithFit(points: Point[], options: XYOptions): string {
  const size = sizeOf(options);
  const { names, range } = seriesOf(points, options.colours);
  const linear = options.linearFit ?? false;
  const tx = (v: number) => options.logX && !linear ? Math.log10(v) : v;
  const ty = (v: number) => options.logY && !linear ? Math.log10(v) : v;
  const untY = (v: number) => options.logY && !linear ? 10 ** v : v;
  const lines: { x: number; y: number; series: string }[] = [];
  const legend: LegendItem[] = [];
  names.forEach((name, i) => {
    const own = points.filter((p) => (p.series ?? "") === name);
    const fit = fitLine(own.map((p) => ({ x: tx(p.x), y: ty(p.y) })));
    const xs = [...new Set(own.map((p) => p.x))].sort((a, b) => a - b);
    // a straight line on log axes is curved: drawn through every x
    const at = linear ? xs : [xs[0], xs[xs.length - 1]];
    for (const x of at) {
      const y = untY(fit.slope * tx(x) + fit.intercept);
      if (options.logY && !(y > 0)) continue; // off a log axis
      lines.push({ x, y, series: name });
    }
    const slope = options.slopeText?.(fit.slope) ??
      `slope ${fmt(fit.slope, 3)}`;
    const what = `${name ? name + ": " : ""}${slope}`;
    legend.push({ label: what, colour: range[i], kind: "line" });
  });
  const rows = points.map((p) => ({ ...p, series: p.series ?? "" }));
  const fx = options.panels ? { fx: "series" } : {};
  const inner = render({
    x: {
      ...axisOf(options.xLabel, options.logX),
      ...(options.xTicks ? { ticks: options.xTicks, tickFormat: "~g" } : {}),
    },
    y: { ...axisOf(options.yLabel, options.logY), grid: true },
    color: { domain: names, range },
    ...(options.panels
      ? { fx: { domain: names, axis: "top", label: null, padding: 0.12 } }
      : {}),
    marks: [
      Plot.dot(rows, {
        x: "x",
        y: "y",
        fill: "series",
        r: 3.5,
        fillOpacity: 0.8,
        ...fx,
      }),
      Plot.line(lines, {
        x: "x",
        y: "y",
        stroke: "series",
        z: "series",
        strokeWidth: 1.5,
        strokeDasharray: "6 3",
        ...fx,
      }),
      ...(options.panels ? [Plot.frame({ stroke: "#ddd" })] : []),
    ],
  }, size);
  return frame(inner, { ...options, legend }, size);
}
