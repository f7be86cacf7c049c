/**
 * Learning curves over seeds: training loss and validation loss in two
 * panels side by side, each with its own y axis zoomed to where the runs
 * end up; per configuration the mean over its seeds as a line and, where
 * several seeds ran, their range as a band. Ordered configurations (batch
 * sizes) get colours from one sequential scale.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { colourOf, type FigureOptions, render, sizeOf } from "./figure.ts";
import { frame, type LegendItem } from "./frame.ts";
import { panelWidths, sideBySide } from "./panels.ts";

/** One epoch of a curve: mean over seeds and their range. */
export interface BandPoint {
  epoch: number;
  mean: number;
  min: number;
  max: number;
}

/** One configuration's curves. */
export interface BandSeries {
  name: string;
  /** Seeds behind the mean (a band is drawn for more than one). */
  seeds: number;
  train: BandPoint[];
  val: BandPoint[];
  colour?: string;
}

/** `n` colours along the plasma scale, dark blue to orange (no pale yellow). */
export function orderedColours(n: number): string[] {
  const scale = Plot.scale({
    color: { type: "linear", scheme: "plasma", domain: [0, 1] },
  });
  return Array.from(
    { length: n },
    (_, i) => String(scale.apply(n > 1 ? 0.78 * i / (n - 1) : 0)),
  );
}

/**
 * The first epoch shown in full on a zoomed axis: the steep first epochs
 * of a long run would flatten the differences at the end.
 */
export function zoomFrom(epochs: number): number {
  return epochs >= 8 ? Math.ceil(epochs / 6) + 1 : 1;
}

function panel(
  series: BandSeries[],
  pick: "train" | "val",
  size: { width: number; height: number },
  yLabel: string,
): string {
  const rows = series.flatMap((s, i) =>
    s[pick].map((p) => ({
      ...p,
      name: s.name,
      colour: s.colour ?? colourOf(i),
      seeds: s.seeds,
    }))
  );
  const epochs = Math.max(1, ...rows.map((r) => r.epoch));
  const from = zoomFrom(epochs);
  const shown = rows.filter((r) => r.epoch >= from);
  const lo = Math.min(...shown.map((r) => r.min));
  const hi = Math.max(...shown.map((r) => r.max));
  const pad = hi > lo ? 0.05 * (hi - lo) : 0.01;
  const step = Math.ceil(epochs / 10);
  return render({
    x: {
      label: "epoch",
      ticks: Array.from(
        { length: Math.ceil(epochs / step) },
        (_, i) => 1 + i * step,
      ),
      tickFormat: "d",
      domain: [1, epochs],
    },
    y: { label: yLabel, grid: true, domain: [lo - pad, hi + pad] },
    color: { type: "identity" },
    marginRight: 20,
    marginTop: 25,
    marks: [
      Plot.areaY(rows.filter((r) => r.seeds > 1), {
        x: "epoch",
        y1: "min",
        y2: "max",
        z: "name",
        fill: "colour",
        fillOpacity: 0.18,
        clip: true,
      }),
      Plot.line(rows, {
        x: "epoch",
        y: "mean",
        z: "name",
        stroke: "colour",
        strokeWidth: 2,
        clip: true,
      }),
      Plot.dot(rows, {
        x: "epoch",
        y: "mean",
        fill: "colour",
        r: 2,
        clip: true,
      }),
    ],
  }, size);
}

/**
 * Training loss (left) and validation loss (right) per epoch, mean over
 * seeds with a min-max band; the y axes zoomed to the epochs from
 * {@link zoomFrom} on (the subtitle should say so).
 */
export function trainValCurves(
  series: BandSeries[],
  options: FigureOptions & { yLabel?: string },
): string {
  const size = sizeOf(options);
  const widths = panelWidths(size.width, 2);
  const yLabel = options.yLabel ?? "cross-entropy (nats per pixel)";
  const epochs = Math.max(
    1,
    ...series.flatMap((s) => [s.train.length, s.val.length]),
  );
  const from = zoomFrom(epochs);
  const zoom = from > 1 ? `, y axis zoomed to epochs ${from}-${epochs}` : "";
  const inner = sideBySide([
    {
      title: `training loss${zoom}`,
      width: widths[0],
      svg: panel(
        series,
        "train",
        { width: widths[0], height: size.height },
        yLabel,
      ),
    },
    {
      title: `validation loss${zoom}`,
      width: widths[1],
      svg: panel(
        series,
        "val",
        { width: widths[1], height: size.height },
        yLabel,
      ),
    },
  ], size.height);
  const legend: LegendItem[] = series.map((s, i) => ({
    label: s.seeds > 1 ? `${s.name} (${s.seeds} seeds)` : s.name,
    colour: s.colour ?? colourOf(i),
    kind: "line" as const,
  }));
  if (series.some((s) => s.seeds > 1)) {
    legend.push({
      label: "band: range over seeds",
      colour: "#bbb",
      kind: "box",
    });
  }
  return frame(inner.svg, { ...options, legend }, inner.size);
}
