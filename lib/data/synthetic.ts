/**
 * The embedded synthetic data set: 32x32 scenes whose colours can be learned
 * from their grey version. Sky (a smooth blue gradient, lighter towards the
 * horizon) sits above grass (green with a noisy texture), and a horse-like
 * shape (body, head, legs) in one of three coats stands on the grass. Position,
 * texture and brightness predict colour, so a colourizer has something to
 * learn; nothing is read from disk.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { layerSeed, type Rng, seededRng } from "../random.ts";
import type { CategoryData, ImageSet } from "./types.ts";

const SIZE = 32;
type Rgb = readonly [number, number, number];

const SKY_TOP: Rgb = [0.2, 0.4, 0.8];
const SKY_HORIZON: Rgb = [0.7, 0.82, 0.95];
const GRASS: Rgb = [0.3, 0.55, 0.15];
/** Chestnut, dark bay and grey: their grey levels differ, so grey tells the coat. */
const COATS: readonly Rgb[] = [[0.6, 0.35, 0.18], [0.3, 0.18, 0.1], [
  0.88,
  0.85,
  0.8,
]];

/** Options of {@link syntheticCategoryData}. */
export interface SyntheticOptions {
  /** Training images (default 1,000). */
  trainCount?: number;
  /** Validation images (default 200). */
  valCount?: number;
  /** Seed of every random choice (default 0). */
  seed?: number;
}

/**
 * Generates the synthetic set deterministically from the seed. Its source
 * says `synthetic: true` and kind "synthetic"; labels are 7 (horse-like).
 */
export function syntheticCategoryData(
  opts: SyntheticOptions = {},
): CategoryData {
  const trainCount = opts.trainCount ?? 1000;
  const valCount = opts.valCount ?? 200;
  const seed = opts.seed ?? 0;
  for (
    const [name, n] of [["trainCount", trainCount], [
      "valCount",
      valCount,
    ]] as const
  ) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${n}`);
    }
  }
  const trainBytes = scenes(trainCount, seededRng(layerSeed(seed, 1)));
  const valBytes = scenes(valCount, seededRng(layerSeed(seed, 2)));
  const sha256 = createHash("sha256").update(trainBytes).update(valBytes)
    .digest("hex");
  return {
    train: toImageSet(trainBytes, trainCount),
    val: toImageSet(valBytes, valCount),
    category: 7,
    categoryName: "horse",
    source: {
      kind: "synthetic",
      sha256,
      synthetic: true,
      description:
        `SYNTHETIC data (not CIFAR-10): ${trainCount} training and ` +
        `${valCount} validation 32x32 horse-like scenes, seed ${seed}`,
    },
  };
}

/** `count` scenes as bytes, NHWC, pixel value = byte / 256 as in CIFAR-10. */
function scenes(count: number, rng: Rng): Uint8Array {
  const out = new Uint8Array(count * SIZE * SIZE * 3);
  const pixel = new Float64Array(3);
  for (let n = 0; n < count; n++) {
    const horizon = 9 + Math.floor(rng() * 10); // first grass row
    const grassLight = 0.8 + 0.3 * rng();
    const coat = COATS[Math.floor(rng() * COATS.length)];
    const horse = horseShape(rng, horizon);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        if (horse(x, y)) {
          const shade = 1.08 - 0.025 * (y - horizon); // lit from above
          for (let c = 0; c < 3; c++) pixel[c] = coat[c] * shade;
        } else if (y < horizon) {
          const t = y / (horizon - 1);
          for (let c = 0; c < 3; c++) {
            pixel[c] = SKY_TOP[c] + t * (SKY_HORIZON[c] - SKY_TOP[c]);
          }
        } else {
          const noise = 0.2 * (rng() - 0.5); // grass texture, same in R, G, B
          for (let c = 0; c < 3; c++) pixel[c] = GRASS[c] * grassLight + noise;
        }
        const o = ((n * SIZE + y) * SIZE + x) * 3;
        for (let c = 0; c < 3; c++) {
          out[o + c] = Math.min(255, Math.max(0, Math.floor(pixel[c] * 256)));
        }
      }
    }
  }
  return out;
}

/** A body (ellipse), a head (disc) on one side, and four legs. */
function horseShape(
  rng: Rng,
  horizon: number,
): (x: number, y: number) => boolean {
  const rx = 6 + 3 * rng();
  const ry = 3 + 2 * rng();
  const cx = 10 + 12 * rng();
  const cy = Math.min(horizon + 3 + 6 * rng(), SIZE - ry - 6);
  const side = rng() < 0.5 ? -1 : 1;
  const hx = cx + side * (rx + 1);
  const hy = cy - ry - 1;
  const legTop = cy;
  const legBottom = cy + ry + 5;
  const legs = [-rx + 2, -rx + 4, rx - 4, rx - 2].map((d) =>
    Math.round(cx + d)
  );
  return function inside(x: number, y: number): boolean {
    const dx = (x - cx) / rx;
    const dy = (y - cy) / ry;
    if (dx * dx + dy * dy <= 1) return true;
    if ((x - hx) ** 2 + (y - hy) ** 2 <= 6.5) return true;
    if (
      x >= Math.min(hx, cx + side * rx) && x <= Math.max(hx, cx + side * rx) &&
      Math.abs(y - (hy + cy) / 2) <= 1.2 && (x - cx) * side > rx - 3
    ) return true; // neck
    return y >= legTop && y <= legBottom && legs.includes(x);
  };
}

function toImageSet(bytes: Uint8Array, count: number): ImageSet {
  const images = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) images[i] = bytes[i] / 256;
  return {
    images,
    labels: new Uint8Array(count).fill(7),
    count,
    height: SIZE,
    width: SIZE,
  };
}
