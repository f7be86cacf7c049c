/**
 * Dot plots with ranges: one row per label, a small dot per measured value
 * (each seed, each n), a large dot at their mean with its value written
 * beside it, and a line from the smallest to the largest; optionally side by
 * side panels on one shared x scale, reference lines and shaded reference
 * bands. For small differences, where bars from 0 would hide them.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { axisOf, colourOf, type FigureOptions, render } from "./figure.ts";
import { frame, type LegendItem } from "./frame.ts";

/** One row of a panel: its label and every value measured for it. */
export interface DotRow {
  label: string;
  values: number[];
  /** The panel it belongs to (default: one panel). */
  panel?: string;
  /** Rows of the same group share a colour (a legend entry). */
  group?: string;
}

/**
 * A vertical reference: a dashed line at `x`, or a shaded band from `x` to
 * `x2`; its label goes in the legend.
 */
export interface DotReference {
  x: number;
  x2?: number;
  label: string;
  /** Only in this panel (default: every panel). */
  panel?: string;
}

/** Options of {@link dotRanges}. */
export interface DotRangesOptions extends FigureOptions {
  xLabel: string;
  logX?: boolean;
  /** Domain of x (default: from the data and the references). */
  xDomain?: [number, number];
  references?: DotReference[];
  /** Decimals of the written means (default 3). */
  decimals?: number;
  /** Left margin for the row labels in pixels (default from the longest label). */
  labelWidth?: number;
}

const SHADE = "#888";

/**
 * The dot plot of `rows` (in their order, top to bottom).
 * @see notebooks/06_fine_tuning.ipynb
 */
export function dotRanges(rows: DotRow[], options: DotRangesOptions): string {
  const labels = [...new Set(rows.map((r) => r.label))];
  const panels = [...new Set(rows.map((r) => r.panel ?? ""))];
  const groups = [...new Set(rows.map((r) => r.group ?? ""))];
  const colour = (g: string) => colourOf(groups.indexOf(g));
  const faceted = panels.length > 1;
  const fx = faceted ? { fx: "panel" } : {};
  const decimals = options.decimals ?? 3;
  const summary = rows.map((r) => ({
    label: r.label,
    panel: r.panel ?? "",
    fill: colour(r.group ?? ""),
    mean: r.values.reduce((a, b) => a + b, 0) / r.values.length,
    min: Math.min(...r.values),
    max: Math.max(...r.values),
  }));
  const values = rows.flatMap((r) =>
    r.values.map((v) => ({
      label: r.label,
      panel: r.panel ?? "",
      fill: colour(r.group ?? ""),
      v,
    }))
  );
  // a reference without a panel belongs to every panel
  const refs = (options.references ?? []).flatMap((ref) =>
    (ref.panel !== undefined ? [ref.panel] : panels).map((panel) => ({
      ...ref,
      panel,
    }))
  );
  const lines = refs.filter((r) => r.x2 === undefined);
  const bands = refs.filter((r) => r.x2 !== undefined);
  const labelWidth = options.labelWidth ??
    Math.ceil(Math.max(...labels.map((l) => l.length)) * 7.2) + 16;
  const height = options.height ?? 60 + 34 * labels.length;
  const width = options.width ?? 960;
  const inner = render({
    marginLeft: labelWidth,
    marginRight: 30,
    marginTop: faceted ? 30 : 20,
    x: {
      ...axisOf(options.xLabel, options.logX),
      grid: true,
      ...(options.xDomain ? { domain: options.xDomain } : {}),
    },
    y: { domain: labels, label: null },
    ...(faceted ? { fx: { domain: panels, label: null, padding: 0.12 } } : {}),
    marks: [
      Plot.rectX(bands, {
        x1: "x",
        x2: "x2",
        ...fx,
        fill: SHADE,
        fillOpacity: 0.15,
      }),
      Plot.ruleX(lines, {
        x: "x",
        ...fx,
        stroke: SHADE,
        strokeDasharray: "4 3",
      }),
      Plot.ruleY(summary, {
        y: "label",
        x1: "min",
        x2: "max",
        ...fx,
        stroke: "fill",
        strokeWidth: 2,
      }),
      Plot.dot(values, {
        x: "v",
        y: "label",
        ...fx,
        r: 3,
        fill: "fill",
        fillOpacity: 0.55,
      }),
      Plot.dot(summary, {
        x: "mean",
        y: "label",
        ...fx,
        r: 6,
        fill: "fill",
        stroke: "white",
      }),
      Plot.text(summary, {
        x: "mean",
        y: "label",
        ...fx,
        text: (d: { mean: number }) => d.mean.toFixed(decimals),
        dy: -12,
      }),
    ],
  }, { width, height });
  const seen = new Set<string>();
  const legend: LegendItem[] = [
    ...groups.filter(Boolean).map((g) => ({
      label: g,
      colour: colour(g),
      kind: "dot" as const,
    })),
    // each reference once, whatever the panels
    ...(options.references ?? []).filter((r) =>
      !seen.has(r.label) && seen.add(r.label)
    ).map((r) => ({
      label: r.label,
      colour: r.x2 === undefined ? SHADE : "#d8d8d8",
      kind: r.x2 === undefined ? "dashed" as const : "box" as const,
    })),
  ];
  return frame(inner, { ...options, legend }, { width, height });
}
