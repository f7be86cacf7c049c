/**
 * Curves of training runs per epoch: loss (training and validation), one
 * colour per run.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import {
  axisOf,
  colourOf,
  type FigureOptions,
  render,
  sizeOf,
} from "./figure.ts";
import { frame, type LegendItem } from "./frame.ts";

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

/**
 * Training (dashed) and validation (solid) loss per epoch, one colour per run.
 * `logY` helps when one run diverges (e.g. the handout's lr 0.3).
 * @see notebooks/01_colourization.ipynb
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
  // a run that diverged would flatten every other curve: log scale then
  const losses = rows.map((r) => r.loss).filter((v) => v > 0);
  opts.logY ??= Math.max(...losses) / Math.min(...losses) > 20;
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
      // z named: with one epoch per run Plot would take the colour channel
      // for quantitative and warn on the page
      Plot.line(rows.filter((r) => r.split === "training"), {
        x: "epoch",
        y: "loss",
        z: "run",
        stroke: "run",
        strokeDasharray: "4 3",
        strokeWidth: 1.5,
      }),
      Plot.line(rows.filter((r) => r.split === "validation"), {
        x: "epoch",
        y: "loss",
        z: "run",
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
