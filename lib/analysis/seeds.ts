/**
 * Runs that differ only in their seed, summarised together: the spread of
 * their final numbers (mean, min, max), their curves per epoch as a mean
 * with a min-max band, and whether two such groups differ by more than their
 * seeds do. Error bars come only from seeds that ran: a group of one run has
 * no spread, and says so (n = 1).
 *
 * @module
 */
import type { EpochRecord } from "../train/types.ts";

/** Mean, min and max of some numbers, and how many. */
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

/** Element-wise mean of curves, as long as the shortest. */
export function averageCurve(curves: number[][]): number[] {
  const n = Math.min(...curves.map((c) => c.length));
  if (!Number.isFinite(n)) return [];
  return Array.from(
    { length: n },
    (_, i) => curves.reduce((a, c) => a + c[i], 0) / curves.length,
  );
}

/** One epoch of a group's curve: the mean over its seeds and their range. */
export interface BandPoint {
  epoch: number;
  mean: number;
  min: number;
  max: number;
}

/** The runs of one configuration, over its seeds. */
export interface SeedGroup {
  label: string;
  seeds: number[];
  /** Each seed's history, in the order of {@link seeds}. */
  histories: EpochRecord[][];
  final: { trainLoss: Spread; valLoss: Spread; valAccuracy: Spread };
  /** Per epoch (as long as the shortest run): training loss over the seeds. */
  trainCurve: BandPoint[];
  /** Per epoch: validation loss over the seeds. */
  valCurve: BandPoint[];
  /** Mean wall seconds per epoch of each run, as recorded when it trained. */
  secondsPerEpoch: Spread;
}

function band(
  histories: EpochRecord[][],
  pick: (e: EpochRecord) => number,
): BandPoint[] {
  const n = Math.min(...histories.map((h) => h.length));
  if (!Number.isFinite(n)) return [];
  return Array.from({ length: n }, (_, i) => {
    const s = spread(histories.map((h) => pick(h[i])));
    return { epoch: i + 1, mean: s.mean, min: s.min, max: s.max };
  });
}

/** Summarises runs of one configuration (each with its seed and history). */
export function seedGroup(
  label: string,
  runs: { seed: number; history: EpochRecord[] }[],
): SeedGroup {
  const own = runs.filter((r) => r.history.length > 0);
  const histories = own.map((r) => r.history);
  const last = histories.map((h) => h.at(-1)!);
  return {
    label,
    seeds: own.map((r) => r.seed),
    histories,
    final: {
      trainLoss: spread(last.map((e) => e.trainLoss)),
      valLoss: spread(last.map((e) => e.valLoss)),
      valAccuracy: spread(last.map((e) => e.valAccuracy)),
    },
    trainCurve: band(histories, (e) => e.trainLoss),
    valCurve: band(histories, (e) => e.valLoss),
    secondsPerEpoch: spread(
      histories.map((h) => h.reduce((a, e) => a + e.seconds, 0) / h.length),
    ),
  };
}

/**
 * How two groups' values compare: "apart" when every seed of one is below
 * every seed of the other (their ranges do not overlap), "overlap" when the
 * ranges overlap, "unknown" when neither group has more than one run (no
 * spread was measured at all). A single run against several is compared
 * with their range.
 */
export function separation(
  a: Spread,
  b: Spread,
): "apart" | "overlap" | "unknown" {
  if (a.n === 0 || b.n === 0 || (a.n < 2 && b.n < 2)) return "unknown";
  return a.max < b.min || b.max < a.min ? "apart" : "overlap";
}
