/**
 * Two measurements of a predicted colour map (palette labels per pixel)
 * against the truth: how often neighbouring pixels change colour (blocky
 * maps change less often than the truth), and the accuracy on the pixels
 * whose true colour is near-grey against the colourful ones (near-grey:
 * chroma at or below the palette's median, lib/analysis/colour_stats.ts, the
 * one definition every page uses).
 *
 * @module
 */
import type { Palette } from "../data/types.ts";
import { colourfulness, colourUsage, greyishEvidence } from "./colour_stats.ts";

/** The size of a stack of label maps. */
export interface MapShape {
  count: number;
  height: number;
  width: number;
}

/**
 * Share of horizontally or vertically adjacent pixel pairs (within each
 * image) whose labels differ.
 */
export function colourChangeRate(
  labels: ArrayLike<number>,
  shape: MapShape,
): number {
  const { count, height: h, width: w } = shape;
  let pairs = 0;
  let changes = 0;
  for (let n = 0; n < count; n++) {
    const base = n * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = base + y * w + x;
        if (x + 1 < w) {
          pairs++;
          if (labels[i] !== labels[i + 1]) changes++;
        }
        if (y + 1 < h) {
          pairs++;
          if (labels[i] !== labels[i + w]) changes++;
        }
      }
    }
  }
  return pairs > 0 ? changes / pairs : NaN;
}

/**
 * Which palette colours are near-grey: chroma at or below the palette's
 * median chroma (greyishEvidence's threshold), and that threshold.
 */
export function nearGreyColours(
  palette: Palette,
): { nearGrey: boolean[]; chromaThreshold: number } {
  const none = new Uint8Array(0);
  const usage = colourUsage({
    palette: palette.colours,
    trainLabels: none,
    valLabels: none,
    predictions: none,
  });
  const { chromaThreshold } = greyishEvidence(usage);
  const nearGrey = Array.from({ length: palette.numColours }, (_, c) => {
    const [r, g, b] = palette.colours.subarray(3 * c, 3 * c + 3);
    return colourfulness(r, g, b).chroma <= chromaThreshold;
  });
  return { nearGrey, chromaThreshold };
}

/** Accuracy over all pixels, and over those whose true colour is near-grey or colourful. */
export interface ChromaAccuracy {
  all: number;
  nearGrey: number;
  colourful: number;
  /** Share of the pixels whose true colour is near-grey. */
  nearGreyShare: number;
}

/** {@link ChromaAccuracy} of `predictions` against `labels`. */
export function accuracyByChroma(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  nearGrey: boolean[],
): ChromaAccuracy {
  let greyPixels = 0;
  let greyHits = 0;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    const hit = labels[i] === predictions[i];
    if (hit) hits++;
    if (nearGrey[labels[i]]) {
      greyPixels++;
      if (hit) greyHits++;
    }
  }
  const n = labels.length;
  return {
    all: hits / n,
    nearGrey: greyHits / greyPixels,
    colourful: (hits - greyHits) / (n - greyPixels),
    nearGreyShare: greyPixels / n,
  };
}

/** Share of the labels that are near-grey colours. */
export function nearGreyShare(
  labels: ArrayLike<number>,
  nearGrey: boolean[],
): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (nearGrey[labels[i]]) n++;
  return n / labels.length;
}
