/**
 * Bar charts: vertical bars with their values on top, optional whiskers and
 * side-by-side groups.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { colourOf, type FigureOptions, fmt, render, sizeOf } from "./figure.ts";
import { frame } from "./frame.ts";

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
 * @see notebooks/02_architecture_accounting.ipynb
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
