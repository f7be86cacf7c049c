/**
 * Pictures of segmentations: masks drawn over the photos (PNG via sharp).
 *
 * @module
 */
import type { SegmentationSet } from "../data/weizmann.ts";
import { imageGrid, type Images } from "../io/images.ts";

/** RGB in [0, 1): the tint of the true mask and of predictions. */
const TRUTH_TINT = [0.1, 0.85, 0.2];
const PREDICTION_TINT = [0.95, 0.15, 0.1];

/**
 * The photos `indices` of `set` with `masks` ([set.count, S, S] 0/1) tinted
 * half-transparently in `tint`.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function maskOverlay(
  set: SegmentationSet,
  masks: Uint8Array,
  indices: number[],
  tint: number[],
): Images {
  const per = set.size * set.size;
  const images = new Float32Array(indices.length * per * 3);
  indices.forEach((i, k) => {
    for (let p = 0; p < per; p++) {
      const on = masks[i * per + p] !== 0;
      for (let c = 0; c < 3; c++) {
        const v = set.images[(i * per + p) * 3 + c];
        images[(k * per + p) * 3 + c] = on ? 0.45 * v + 0.55 * tint[c] : v;
      }
    }
  });
  return {
    images,
    count: indices.length,
    height: set.size,
    width: set.size,
    channels: 3,
  };
}

/**
 * A grid: the first `count` test photos (top row), their true masks (green)
 * and each variant's prediction (red), one row each.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function predictionPicture(
  set: SegmentationSet,
  predictions: Record<string, Uint8Array>,
  opts: { count?: number; scale?: number } = {},
): Promise<Uint8Array> {
  const indices = Array.from(
    { length: Math.min(opts.count ?? 8, set.count) },
    (_, i) => i,
  );
  const none = new Uint8Array(set.masks.length);
  const rows = [
    { label: "photo", images: maskOverlay(set, none, indices, TRUTH_TINT) },
    {
      label: "true mask",
      images: maskOverlay(set, set.masks, indices, TRUTH_TINT),
    },
    ...Object.entries(predictions).map(([label, masks]) => ({
      label,
      images: maskOverlay(set, masks, indices, PREDICTION_TINT),
    })),
  ];
  return await imageGrid(rows, {
    scale: opts.scale ?? Math.max(1, Math.round(96 / set.size)),
    columnLabels: indices.map((i) => set.names[i]),
  });
}
