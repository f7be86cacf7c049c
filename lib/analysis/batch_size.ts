/**
 * Part B.4: runs of several batch sizes (and seeds) summarised: final-epoch
 * numbers with their spread over seeds, and the curves against the number of
 * optimizer updates (the contrast between a fixed number of epochs and a
 * fixed number of updates).
 *
 * @see notebooks/05_batch_size.ipynb
 * @module
 */
import type { EpochRecord } from "../train/types.ts";

/** One run of the sweep. */
export interface SweepRun {
  batchSize: number;
  seed: number;
  /** Training images per epoch. */
  trainImages: number;
  history: EpochRecord[];
}

/** Optimizer updates per epoch (the last, partial batch counts). */
export function updatesPerEpoch(
  trainImages: number,
  batchSize: number,
): number {
  return Math.ceil(trainImages / batchSize);
}

/** Mean, min and max of some numbers. */
export interface Spread {
  mean: number;
  min: number;
  max: number;
  n: number;
}

/** The mean, min and max of `xs` (NaN for none). */
export function spread(xs: number[]): Spread {
  if (xs.length === 0) return { mean: NaN, min: NaN, max: NaN, n: 0 };
  return {
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
    n: xs.length,
  };
}

/** One batch size's row of {@link finalEpochTable}. */
export interface BatchSizeRow {
  batchSize: number;
  seeds: number;
  trainLoss: Spread;
  valLoss: Spread;
  valAccuracy: Spread;
  /** Lowest validation loss over the epochs (mean over seeds) and when. */
  bestValLoss: number;
  bestEpoch: number;
  secondsPerEpoch: number;
  imagesPerSecond: number;
  updatesPerEpoch: number;
}

/**
 * Final-epoch numbers per batch size, with their spread over seeds; timing as
 * the mean over every epoch of every seed.
 * @see notebooks/05_batch_size.ipynb
 */
export function finalEpochTable(runs: SweepRun[]): BatchSizeRow[] {
  const sizes = [...new Set(runs.map((r) => r.batchSize))].sort((a, b) =>
    a - b
  );
  return sizes.map((batchSize) => {
    const own = runs.filter((r) =>
      r.batchSize === batchSize && r.history.length
    );
    const last = own.map((r) => r.history[r.history.length - 1]);
    const epochs = own.flatMap((r) => r.history);
    const meanCurve = averageCurve(
      own.map((r) => r.history.map((e) => e.valLoss)),
    );
    const bestEpoch = meanCurve.indexOf(Math.min(...meanCurve)) + 1;
    return {
      batchSize,
      seeds: own.length,
      trainLoss: spread(last.map((e) => e.trainLoss)),
      valLoss: spread(last.map((e) => e.valLoss)),
      valAccuracy: spread(last.map((e) => e.valAccuracy)),
      bestValLoss: meanCurve[bestEpoch - 1],
      bestEpoch,
      secondsPerEpoch: spread(epochs.map((e) => e.seconds)).mean,
      imagesPerSecond: spread(epochs.map((e) => e.imagesPerSecond)).mean,
      updatesPerEpoch: updatesPerEpoch(own[0]?.trainImages ?? 0, batchSize),
    };
  });
}

/** Element-wise mean of curves, as long as the shortest. */
export function averageCurve(curves: number[][]): number[] {
  const n = Math.min(...curves.map((c) => c.length));
  if (!Number.isFinite(n)) return [];
  return Array.from(
    { length: n },
    (_, i) => curves.reduce((a, c) => a + c[i], 0) / curves.length,
  );
}

/**
 * Validation loss after each epoch against the number of updates done so
 * far, for a plot with updates on the x axis.
 * @see notebooks/05_batch_size.ipynb
 */
export function lossByUpdates(run: SweepRun): { x: number; y: number }[] {
  const per = updatesPerEpoch(run.trainImages, run.batchSize);
  return run.history.map((e, i) => ({ x: (i + 1) * per, y: e.valLoss }));
}

/**
 * Validation loss after exactly `updates` optimizer steps, interpolated
 * linearly between epochs (NaN when the run did fewer updates, or fewer than
 * one epoch's worth).
 * @see notebooks/05_batch_size.ipynb
 */
export function valLossAtUpdates(run: SweepRun, updates: number): number {
  const points = lossByUpdates(run);
  if (points.length === 0 || updates < points[0].x) return NaN;
  for (let i = 0; i < points.length; i++) {
    if (points[i].x === updates) return points[i].y;
    if (points[i].x > updates) {
      const a = points[i - 1], b = points[i];
      return a.y + (b.y - a.y) * (updates - a.x) / (b.x - a.x);
    }
  }
  return NaN;
}

const range = (s: Spread, digits: number) =>
  s.n > 1
    ? `${s.mean.toFixed(digits)} (${s.min.toFixed(digits)}-${
      s.max.toFixed(digits)
    })`
    : s.mean.toFixed(digits);

/**
 * {@link finalEpochTable} as table rows: mean (min-max over seeds).
 * @see notebooks/05_batch_size.ipynb
 */
export function batchSizeRows(
  table: BatchSizeRow[],
): Record<string, string | number>[] {
  return table.map((r) => ({
    "batch size": r.batchSize,
    seeds: r.seeds,
    "updates / epoch": r.updatesPerEpoch,
    "final train loss": range(r.trainLoss, 3),
    "final val loss": range(r.valLoss, 3),
    "final val accuracy": range(r.valAccuracy, 3),
    "best val loss (epoch)": `${r.bestValLoss.toFixed(3)} (${r.bestEpoch})`,
    "s / epoch": Number(r.secondsPerEpoch.toFixed(1)),
    "images / s": Math.round(r.imagesPerSecond),
  }));
}

/**
 * The final validation loss per batch size in one line (mean over seeds).
 * @see notebooks/05_batch_size.ipynb
 */
export function batchSizeAnswer(table: BatchSizeRow[]): string {
  return "final val loss " +
    table.map((r) =>
      `batch ${r.batchSize}: ${r.valLoss.mean.toFixed(3)}` +
      (r.valLoss.n > 1 ? ` (${r.valLoss.n} seeds)` : "")
    ).join(", ");
}

/**
 * The largest number of updates that most runs reach within their epochs:
 * the total updates of the run with the fewest (the largest batch).
 * @see notebooks/05_batch_size.ipynb
 */
export function commonUpdates(runs: SweepRun[]): number {
  return Math.min(
    ...runs.map((r) =>
      updatesPerEpoch(r.trainImages, r.batchSize) * r.history.length
    ),
  );
}

/**
 * Validation loss of each run after the same number of updates (seed-mean
 * per batch size; "-" where even one epoch is more updates than that).
 * @see notebooks/05_batch_size.ipynb
 */
export function fixedUpdatesRows(
  runs: SweepRun[],
  updates: number,
): Record<string, string | number>[] {
  const sizes = [...new Set(runs.map((r) => r.batchSize))].sort((a, b) =>
    a - b
  );
  return sizes.map((batchSize) => {
    const own = runs.filter((r) => r.batchSize === batchSize);
    const losses = own.map((r) => valLossAtUpdates(r, updates)).filter((v) =>
      !Number.isNaN(v)
    );
    const per = updatesPerEpoch(own[0].trainImages, batchSize);
    return {
      "batch size": batchSize,
      "epochs for this many updates": Number((updates / per).toFixed(2)),
      [`val loss after ${updates} updates`]: losses.length
        ? Number(spread(losses).mean.toFixed(4))
        : "- (one epoch is more updates)",
    };
  });
}
