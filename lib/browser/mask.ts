/**
 * The segmenter's answer drawn over the reader's photo: P(horse) from its
 * two-class logits, scaled back up bilinearly to the photo's working size
 * and tinted where it exceeds the threshold, and the foreground share at
 * the segmenter's own resolution.
 *
 * @module
 */
import type { RawImage } from "../colourize_pixels.ts";

/** The tint of predicted horse pixels (as lib/finetune/pictures.ts draws them). */
const MASK_TINT = [0.95, 0.15, 0.1].map((v) => v * 255);
/** How much of the tint covers a masked pixel. */
const MASK_ALPHA = 0.55;

/** What the last segmentation left for the threshold slider to redraw. */
export interface SegmentView {
  working: RawImage;
  /** P(horse) at the segmenter's S x S. */
  probability: Float32Array;
  size: number;
}

/** P(class 1) of two-class logits: softmax = sigmoid(l1 - l0). */
export function horseProbability(logits: Float32Array): Float32Array {
  const n = logits.length / 2;
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    p[i] = 1 / (1 + Math.exp(logits[2 * i] - logits[2 * i + 1]));
  }
  return p;
}

/**
 * The photo with the pixels whose bilinearly upsampled P(horse) exceeds
 * `threshold` tinted.
 */
export function maskOverlay(view: SegmentView, threshold: number): RawImage {
  const { working, probability, size } = view;
  const { width, height } = working;
  const out = new Uint8Array(working.data);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(
      size - 1,
      Math.max(0, ((y + 0.5) * size) / height - 0.5),
    );
    const y0 = Math.floor(fy), y1 = Math.min(size - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(
        size - 1,
        Math.max(0, ((x + 0.5) * size) / width - 0.5),
      );
      const x0 = Math.floor(fx), x1 = Math.min(size - 1, x0 + 1), wx = fx - x0;
      const p = (1 - wy) *
          ((1 - wx) * probability[y0 * size + x0] +
            wx * probability[y0 * size + x1]) +
        wy * ((1 - wx) * probability[y1 * size + x0] +
            wx * probability[y1 * size + x1]);
      if (p <= threshold) continue;
      const o = (y * width + x) * 3;
      for (let k = 0; k < 3; k++) {
        out[o + k] = Math.round(
          (1 - MASK_ALPHA) * out[o + k] + MASK_ALPHA * MASK_TINT[k],
        );
      }
    }
  }
  return { data: out, width, height, channels: 3 };
}

/** Share of S x S pixels with P(horse) > threshold. */
export function foregroundShare(
  probability: Float32Array,
  threshold: number,
): number {
  let on = 0;
  for (const p of probability) if (p > threshold) on++;
  return on / probability.length;
}
