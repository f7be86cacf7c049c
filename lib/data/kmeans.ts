/**
 * Weighted k-means in RGB: a seeded k-means++ start, then Lloyd iterations
 * until no assignment changes (or a maximum). The Lloyd steps use Hamerly's
 * bounds (one upper bound to the own centre, one lower bound to the second
 * closest), which skip most distance computations once centres settle and
 * give the same assignments as plain Lloyd.
 *
 * @module
 */
import { seededRng } from "../random.ts";

/** Centres found, and how the iterations ended. */
export interface KMeansResult {
  /** [k * 3] centres, in k-means++ pick order. */
  centres: Float64Array;
  /** Lloyd iterations run (centre updates). */
  iterations: number;
  /** True when the last assignment step changed nothing. */
  converged: boolean;
}

/**
 * Clusters `points` ([n * 3], each with a weight, e.g. how often a colour
 * occurs) into `k` centres. Throws when there are fewer than `k` distinct points.
 */
export function weightedKMeans(
  points: Float64Array,
  weights: Float64Array,
  k: number,
  opts: { seed: number; maxIterations?: number; initial?: Float64Array },
): KMeansResult {
  const n = weights.length;
  const maxIterations = opts.maxIterations ?? 1000;
  // `initial` replaces the k-means++ start (tests compare against plain Lloyd).
  const centres = opts.initial?.slice() ??
    plusPlus(points, weights, k, opts.seed);
  const assigned = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  for (let i = 0; i < n; i++) exactAssign(i);
  // Per-cluster weighted sums, kept up to date as points move (O(k) updates).
  const sums = new Float64Array(k * 3);
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i++) shift(i, assigned[i], 1);
  const half = new Float64Array(k);
  const moved = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  let changes = 0;
  while (iterations < maxIterations) {
    iterations++;
    const refilled = updateCentres();
    halfDistances();
    let top = 0; // index of the centre that moved most
    let second = 0; // largest move of the others
    for (let j = 1; j < k; j++) if (moved[j] > moved[top]) top = j;
    for (let j = 0; j < k; j++) {
      if (j !== top && moved[j] > second) second = moved[j];
    }
    changes = 0;
    for (let i = 0; i < n; i++) {
      const a = assigned[i];
      if (refilled) { // an empty cluster was re-seeded: check everyone
        if (exactAssign(i) !== a) moveTo(i, a);
        continue;
      }
      upper[i] += moved[a];
      lower[i] -= a === top ? second : moved[top];
      const bound = Math.max(half[a], lower[i]);
      if (upper[i] <= bound) continue;
      upper[i] = dist(points, i, centres, a);
      if (upper[i] <= bound) continue;
      if (exactAssign(i) !== a) moveTo(i, a);
    }
    if (changes === 0 && !refilled) {
      converged = true;
      break;
    }
  }
  return { centres, iterations, converged };

  function moveTo(i: number, from: number): void {
    changes++;
    shift(i, from, -1);
    shift(i, assigned[i], 1);
  }

  function shift(i: number, j: number, sign: number): void {
    const w = sign * weights[i];
    mass[j] += w;
    sums[j * 3] += w * points[i * 3];
    sums[j * 3 + 1] += w * points[i * 3 + 1];
    sums[j * 3 + 2] += w * points[i * 3 + 2];
  }

  /** Nearest and second-nearest centre of point i; returns the nearest. */
  function exactAssign(i: number): number {
    let best = 0;
    let d1 = Infinity;
    let d2 = Infinity;
    for (let j = 0; j < k; j++) {
      const d = dist(points, i, centres, j);
      if (d < d1) {
        d2 = d1;
        d1 = d;
        best = j;
      } else if (d < d2) d2 = d;
    }
    assigned[i] = best;
    upper[i] = d1;
    lower[i] = d2;
    return best;
  }

  /** Centres := weighted means; an empty cluster takes the farthest point. */
  function updateCentres(): boolean {
    let refilled = false;
    for (let j = 0; j < k; j++) {
      const old0 = centres[j * 3],
        old1 = centres[j * 3 + 1],
        old2 = centres[j * 3 + 2];
      if (mass[j] > 1e-9) { // (the running sums of an emptied cluster may not be exactly 0)
        for (let c = 0; c < 3; c++) {
          centres[j * 3 + c] = sums[j * 3 + c] / mass[j];
        }
      } else {
        let far = 0;
        for (let i = 1; i < n; i++) if (upper[i] > upper[far]) far = i;
        for (let c = 0; c < 3; c++) centres[j * 3 + c] = points[far * 3 + c];
        upper[far] = 0;
        refilled = true;
      }
      moved[j] = Math.hypot(
        centres[j * 3] - old0,
        centres[j * 3 + 1] - old1,
        centres[j * 3 + 2] - old2,
      );
    }
    return refilled;
  }

  /** half[j] = half the distance from centre j to its nearest other centre. */
  function halfDistances(): void {
    for (let j = 0; j < k; j++) {
      let m = Infinity;
      for (let l = 0; l < k; l++) {
        if (l !== j) m = Math.min(m, dist(centres, j, centres, l));
      }
      half[j] = m / 2;
    }
  }
}

/** k-means++: the first centre by weight, each next by weight x squared distance. */
function plusPlus(
  points: Float64Array,
  weights: Float64Array,
  k: number,
  seed: number,
): Float64Array {
  const n = weights.length;
  const rng = seededRng(seed);
  const centres = new Float64Array(k * 3);
  const d2 = new Float64Array(n).fill(Infinity);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) score[i] = weights[i];
  for (let j = 0; j < k; j++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += score[i];
    if (!(total > 0)) {
      throw new RangeError(
        `k-means: only ${j} distinct colours, fewer than the ${k} asked for`,
      );
    }
    let r = rng() * total;
    let pick = 0;
    while (pick < n - 1 && (r -= score[pick]) >= 0) pick++;
    while (score[pick] === 0) pick--; // rounding at the end of the scan
    for (let c = 0; c < 3; c++) centres[j * 3 + c] = points[pick * 3 + c];
    for (let i = 0; i < n; i++) {
      const d = dist(points, i, centres, j);
      if (d * d < d2[i]) d2[i] = d * d;
      score[i] = weights[i] * d2[i];
    }
  }
  return centres;
}

function dist(a: Float64Array, i: number, b: Float64Array, j: number): number {
  const x = a[i * 3] - b[j * 3];
  const y = a[i * 3 + 1] - b[j * 3 + 1];
  const z = a[i * 3 + 2] - b[j * 3 + 2];
  return Math.sqrt(x * x + y * y + z * z);
}
