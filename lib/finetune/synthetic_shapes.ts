/**
 * The embedded synthetic segmentation set used when no horse photos are
 * given: horse-like figures (an ellipse body, a neck and head, four legs)
 * over textured backgrounds, with their exact masks. Figure and background
 * differ in texture (stripes against smooth noise) and in brightness (the
 * figure darker, by a varying margin), so the grey image predicts the mask.
 *
 * @module
 */
import { seededRng } from "../random.ts";
import type { SegmentationData, SegmentationSet } from "../data/weizmann.ts";

/** Options of {@link syntheticShapes}. */
export interface SyntheticShapesOptions {
  /** S: images are S x S (default 64). */
  size?: number;
  /** Training images (default 120). */
  numTrain?: number;
  /** Test images (default 40). */
  numTest?: number;
  /** Seed of every random choice. */
  seed?: number;
}

function insideEllipse(
  x: number,
  y: number,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
): boolean {
  const dx = (x - cx) / rx;
  const dy = (y - cy) / ry;
  return dx * dx + dy * dy <= 1;
}

function makeSet(count: number, size: number, seed: number): SegmentationSet {
  const rng = seededRng(seed);
  const pixels = size * size;
  const images = new Float32Array(count * pixels * 3);
  const masks = new Uint8Array(count * pixels);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    // Figure geometry, in units of the image size.
    const s = size * (0.55 + 0.3 * rng());
    const cx = size * (0.35 + 0.3 * rng());
    const cy = size * (0.4 + 0.15 * rng());
    const facing = rng() < 0.5 ? -1 : 1;
    const bodyRx = s * 0.32;
    const bodyRy = s * 0.15;
    const headX = cx + facing * s * 0.38;
    const headY = cy - s * 0.22;
    const legTop = cy;
    const legBottom = Math.min(size - 1, cy + s * 0.42);
    const legXs = [-0.25, -0.15, 0.15, 0.25].map((f) => cx + f * s);
    const legW = Math.max(1, s * 0.035);
    // Colours and textures.
    // Figures darker than their background on average (as most horses on
    // grass or sky are), by a margin that varies from image to image.
    const fgLevel = 0.2 + 0.25 * rng();
    const bgLevel = fgLevel + 0.15 + 0.35 * rng();
    const fg = [1.3, 1.0, 0.7].map((w) =>
      Math.min(0.95, fgLevel * w * (0.8 + 0.4 * rng()))
    );
    const bg = [0.8, 1.1, 0.9].map((w) =>
      Math.min(0.95, bgLevel * w * (0.8 + 0.4 * rng()))
    );
    const stripe = 2 + Math.floor(3 * rng());
    const phase = rng() * 6.283;
    const bgFreq = 0.05 + 0.1 * rng();
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inBody = insideEllipse(x, y, cx, cy, bodyRx, bodyRy);
        const inNeck = insideEllipse(
          x,
          y,
          (cx + headX) / 2 + facing * s * 0.05,
          (cy + headY) / 2,
          s * 0.06,
          s * 0.14,
        );
        const inHead = insideEllipse(x, y, headX, headY, s * 0.1, s * 0.06);
        const inLeg = y >= legTop && y <= legBottom &&
          legXs.some((lx) => Math.abs(x - lx) <= legW);
        const fgPixel = inBody || inNeck || inHead || inLeg;
        const p = i * pixels + y * size + x;
        masks[p] = fgPixel ? 1 : 0;
        const noise = (rng() - 0.5) * 0.1;
        const tone = fgPixel
          ? 0.8 + 0.2 * Math.sin((x + y) * 6.283 / (2 * stripe) + phase)
          : 0.85 + 0.15 * Math.sin(x * bgFreq + phase) * Math.cos(y * bgFreq);
        const c = fgPixel ? fg : bg;
        for (let ch = 0; ch < 3; ch++) {
          const v = c[ch] * tone + noise;
          images[p * 3 + ch] = Math.min(255 / 256, Math.max(0, v));
        }
      }
    }
    names.push(`synthetic${String(i + 1).padStart(3, "0")}`);
  }
  return { images, masks, names, count, size };
}

/**
 * The synthetic set: every result made from it says so (`source.synthetic`).
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function syntheticShapes(
  opts: SyntheticShapesOptions = {},
): SegmentationData {
  const size = opts.size ?? 64;
  const numTrain = opts.numTrain ?? 120;
  const numTest = opts.numTest ?? 40;
  const seed = opts.seed ?? 0;
  return {
    train: makeSet(numTrain, size, seed * 2 + 1),
    test: makeSet(numTest, size, seed * 2 + 2),
    source: {
      kind: "synthetic",
      sha256: "",
      synthetic: true,
      description:
        `SYNTHETIC horse-like shapes (not photos): ${numTrain} train, ${numTest} test, ${size}x${size}, seed ${seed}`,
    },
  };
}
