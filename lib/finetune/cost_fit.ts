/**
 * Straight-line fits of the cost study: bytes and milliseconds per extra
 * block (the O(n) part), and the ratio between input sizes S and 2S.
 *
 * @module
 */
import type { CostMode, CostPoint } from "./cost_study.ts";

/** Least-squares line y = slope * x + intercept, and its R^2. */
export interface LineFit {
  slope: number;
  intercept: number;
  r2: number;
}

/**
 * Fits a least-squares line through (xs[i], ys[i]).
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function fitLine(xs: number[], ys: number[]): LineFit {
  const k = xs.length;
  if (k < 2 || ys.length !== k) throw new Error("fitLine: need >= 2 points");
  const mx = xs.reduce((s, v) => s + v, 0) / k;
  const my = ys.reduce((s, v) => s + v, 0) / k;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < k; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: my - slope * mx, r2 };
}

/** The fitted growth in n of one mode at one size. */
export interface CostSlope {
  mode: CostMode;
  size: number;
  /** Extra working bytes (peak above the live state) per block. */
  workBytesPerBlock: LineFit;
  /** Extra total peak bytes per block (parameters and state included). */
  peakBytesPerBlock: LineFit;
  /** Extra milliseconds (wall) per block. */
  msPerBlock: LineFit;
  /** Extra milliseconds of CPU time per block. */
  cpuMsPerBlock: LineFit;
  /** Gradient and optimizer-state bytes per block. */
  gradBytesPerBlock: LineFit;
  optimizerBytesPerBlock: LineFit;
}

/**
 * Fits each (mode, size) series against n.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function fitCostSlopes(points: CostPoint[]): CostSlope[] {
  const out: CostSlope[] = [];
  const keys = new Set(points.map((p) => `${p.mode}|${p.size}`));
  for (const key of keys) {
    const [mode, size] = [
      key.split("|")[0] as CostMode,
      Number(key.split("|")[1]),
    ];
    const series = points.filter((p) => p.mode === mode && p.size === size)
      .sort((p, q) => p.n - q.n);
    if (series.length < 2) continue;
    const ns = series.map((p) => p.n);
    const fit = (f: (p: CostPoint) => number) => fitLine(ns, series.map(f));
    out.push({
      mode,
      size,
      workBytesPerBlock: fit((p) => p.workBytes),
      peakBytesPerBlock: fit((p) => p.peakBytes),
      msPerBlock: fit((p) => p.stepMs),
      cpuMsPerBlock: fit((p) => p.cpuMs),
      gradBytesPerBlock: fit((p) => p.gradBytes),
      optimizerBytesPerBlock: fit((p) => p.optimizerBytes),
    });
  }
  return out;
}

/** How a quantity changes when S doubles, at one (n, mode). */
export interface SizeRatio {
  n: number;
  mode: CostMode;
  size: number;
  /** Ratios of the value at 2S to the value at S. */
  workBytes: number;
  peakBytes: number;
  paramBytes: number;
  stepMs: number;
  cpuMs: number;
}

/**
 * For every (n, mode) measured at both S and 2S, the ratio 2S / S.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function sizeRatios(points: CostPoint[]): SizeRatio[] {
  const out: SizeRatio[] = [];
  for (const p of points) {
    const q = points.find((r) =>
      r.n === p.n && r.mode === p.mode && r.size === 2 * p.size
    );
    if (!q) continue;
    out.push({
      n: p.n,
      mode: p.mode,
      size: p.size,
      workBytes: q.workBytes / p.workBytes,
      peakBytes: q.peakBytes / p.peakBytes,
      paramBytes: q.paramBytes / p.paramBytes,
      stepMs: q.stepMs / p.stepMs,
      cpuMs: q.cpuMs / p.cpuMs,
    });
  }
  return out;
}
