/**
 * Seeded pseudo-random numbers: every random choice in colourlab goes through here.
 *
 * @module
 */

/** A seeded generator of uniform floats in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: a small, fast 32-bit generator; good enough for shuffles,
 * sampling and k-means++ seeding. The seed is mixed with splitmix32 first so
 * that nearby seeds give unrelated streams.
 */
export function seededRng(seed: number): Rng {
  let s = splitmix32(seed >>> 0);
  return function next(): number {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A seeded permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, seed: number): Uint32Array {
  const rng = seededRng(seed);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** A seed for a tfjs initializer derived from a run seed and a layer index. */
export function layerSeed(seed: number, index: number): number {
  return splitmix32((seed * 1000003 + index) >>> 0);
}
