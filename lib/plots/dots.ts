/**
 * Dot plots with whiskers: one row per configuration, a small dot per seed,
 * a large dot for their mean with its value written beside it, and a
 * whisker from the lowest to the highest seed. The value axis is zoomed to
 * the data (not from 0), so that small differences show; a configuration
 * run with one seed has a dot and no whisker. Several measures stand side
 * by side, each with its own axis.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { colourOf, type FigureOptions, fmt, render, sizeOf } from "./figure.ts";
import { frame, type LegendItem } from "./frame.ts";
import { panelWidths, sideBySide } from "./panels.ts";

/** A row of a dot panel: one configuration's values, one per seed. */
export interface DotRow {
  label: string;
  values: number[];
  /** Its colour (default: the house colour of its index). */
  colour?: string;
}

/** One measure: its rows and the label of its value axis. */
export interface DotPanel {
  title: string;
  /** The value axis's label. */
  axisLabel: string;
  rows: DotRow[];
  /** Significant digits of the written means (default 3). */
  digits?: number;
  /** Decimals of the written means instead (e.g. 3 for a loss, as the text writes it). */
  decimals?: number;
  /** Appended to the written means, e.g. "%". */
  unit?: string;
}

/** The value domain: the data with a margin on each side (not from 0). */
export function zoomedDomain(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? 0.12 * (hi - lo) : Math.max(Math.abs(lo) * 0.01, 1e-3);
  return [lo - pad, hi + pad];
}

function panelSvg(
  p: DotPanel,
  axes: { categories: "x" | "y"; categoryLabel?: string },
  size: { width: number; height: number },
): string {
  const digits = p.digits ?? 3;
  const colourOfRow = (r: DotRow, i: number) => r.colour ?? colourOf(i);
  const labels = p.rows.map((r) => r.label);
  const means = p.rows.map((r, i) => {
    const mean = r.values.reduce((a, v) => a + v, 0) / r.values.length;
    return {
      label: r.label,
      mean,
      min: Math.min(...r.values),
      max: Math.max(...r.values),
      n: r.values.length,
      colour: colourOfRow(r, i),
      text: `${
        p.decimals !== undefined ? mean.toFixed(p.decimals) : fmt(mean, digits)
      }${p.unit ?? ""}`,
    };
  });
  const seeds = p.rows.flatMap((r, i) =>
    r.values.map((v) => ({ label: r.label, v, colour: colourOfRow(r, i) }))
  );
  const whiskers = means.filter((m) => m.n > 1);
  const domain = zoomedDomain(seeds.map((s) => s.v));
  const cat = {
    domain: labels,
    label: axes.categoryLabel ?? null,
    padding: 0.5,
  };
  const val = { label: p.axisLabel, domain, grid: true, nice: false };
  const horizontal = axes.categories === "y";
  // whisker caps about 16 px wide, whatever the band (padding 0.5: half of each step)
  const band = horizontal
    ? (size.height - 70) / Math.max(1, labels.length) * 0.5
    : (size.width - 80) / Math.max(1, labels.length) * 0.5;
  const inset = Math.max(0, band / 2 - 8);
  const marks = horizontal
    ? [
      Plot.ruleY(whiskers, {
        y: "label",
        x1: "min",
        x2: "max",
        stroke: "colour",
        strokeWidth: 2,
      }),
      Plot.tickX(whiskers, {
        y: "label",
        x: "min",
        stroke: "colour",
        insetTop: inset,
        insetBottom: inset,
      }),
      Plot.tickX(whiskers, {
        y: "label",
        x: "max",
        stroke: "colour",
        insetTop: inset,
        insetBottom: inset,
      }),
      Plot.dot(seeds, { y: "label", x: "v", stroke: "colour", r: 3.5 }),
      Plot.dot(means, { y: "label", x: "mean", fill: "colour", r: 6 }),
      Plot.text(means, {
        y: "label",
        x: "mean",
        text: "text",
        dy: -14,
        fontWeight: "bold",
      }),
    ]
    : [
      Plot.ruleX(whiskers, {
        x: "label",
        y1: "min",
        y2: "max",
        stroke: "colour",
        strokeWidth: 2,
      }),
      Plot.tickY(whiskers, {
        x: "label",
        y: "min",
        stroke: "colour",
        insetLeft: inset,
        insetRight: inset,
      }),
      Plot.tickY(whiskers, {
        x: "label",
        y: "max",
        stroke: "colour",
        insetLeft: inset,
        insetRight: inset,
      }),
      Plot.dot(seeds, { x: "label", y: "v", stroke: "colour", r: 3.5 }),
      Plot.dot(means, { x: "label", y: "mean", fill: "colour", r: 6 }),
      Plot.text(means, {
        x: "label",
        y: "mean",
        text: "text",
        dx: 10,
        textAnchor: "start",
        fontWeight: "bold",
      }),
    ];
  return render({
    ...(horizontal ? { y: cat, x: val } : { x: cat, y: val }),
    color: { type: "identity" },
    marginLeft: horizontal ? 170 : 60,
    marginRight: 20,
    marginTop: 25,
    marks,
  }, size);
}

/**
 * Dot panels side by side. `categories: "y"` lists the configurations down
 * the side (long labels), `"x"` along the bottom (e.g. batch sizes).
 */
export function dotPlot(
  panels: DotPanel[],
  options: FigureOptions & { categories?: "x" | "y"; categoryLabel?: string },
): string {
  const size = sizeOf(options);
  const widths = panelWidths(size.width, panels.length);
  const inner = sideBySide(
    panels.map((p, i) => ({
      title: p.title,
      width: widths[i],
      svg: panelSvg(p, {
        categories: options.categories ?? "y",
        categoryLabel: options.categoryLabel,
      }, {
        width: widths[i],
        height: size.height,
      }),
    })),
    size.height,
  );
  const several = panels.some((p) => p.rows.some((r) => r.values.length > 1));
  const legend: LegendItem[] = several
    ? [
      { label: "mean over seeds (value written)", colour: "#333", kind: "dot" },
      { label: "each seed", colour: "#333", kind: "ring" },
      { label: "range over seeds", colour: "#333", kind: "line" },
    ]
    : [];
  return frame(inner.svg, { ...options, legend }, inner.size);
}
