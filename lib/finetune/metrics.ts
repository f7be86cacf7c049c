/**
 * Segmentation metrics: foreground IoU per image, and the original
 * assignment's thresholded IoU score.
 *
 * @module
 */

/** Added to intersection and union, as the original did, so that an image
 * with no foreground predicted and none present scores IoU 1. */
export const IOU_SMOOTH = 1e-6;

/** Scores of a set of predicted masks against the truth. */
export interface SegmentationScores {
  /** Foreground IoU averaged over images. */
  iou: number;
  /** The original's score averaged over images (see {@link thresholdedScore}). */
  thresholdedIou: number;
  /** Foreground IoU of each image. */
  perImage: number[];
}

/**
 * The original assignment's per-image score:
 * clamp(ceil(20 * (IoU - 0.5)), 0, 10) / 10, so 0 for IoU <= 0.5, and 1 for
 * IoU > 0.95.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function thresholdedScore(iou: number): number {
  return Math.min(10, Math.max(0, Math.ceil(20 * (iou - 0.5)))) / 10;
}

/**
 * Foreground (class 1) IoU of each of `count` images; `pred` and `truth`
 * hold 0/1 per pixel, image after image.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function foregroundIoU(
  pred: Uint8Array,
  truth: Uint8Array,
  count: number,
): number[] {
  if (pred.length !== truth.length || pred.length % count !== 0) {
    throw new Error(
      `foregroundIoU: ${pred.length} predicted and ${truth.length} true pixels for ${count} images`,
    );
  }
  const pixels = pred.length / count;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let inter = 0;
    let union = 0;
    for (let p = i * pixels; p < (i + 1) * pixels; p++) {
      const a = pred[p] !== 0;
      const b = truth[p] !== 0;
      if (a && b) inter++;
      if (a || b) union++;
    }
    out.push((inter + IOU_SMOOTH) / (union + IOU_SMOOTH));
  }
  return out;
}

/**
 * Mean foreground IoU and mean thresholded score over images.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function segmentationScores(
  pred: Uint8Array,
  truth: Uint8Array,
  count: number,
): SegmentationScores {
  const perImage = foregroundIoU(pred, truth, count);
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  return {
    iou: mean(perImage),
    thresholdedIou: mean(perImage.map(thresholdedScore)),
    perImage,
  };
}

/** Mean, min and max of per-seed results. */
export interface SeedSummary {
  mean: number;
  min: number;
  max: number;
}

/** Summarises one number measured with several seeds. */
export function summariseSeeds(values: number[]): SeedSummary {
  if (values.length === 0) throw new Error("summariseSeeds: no values");
  return {
    mean: values.reduce((s, v) => s + v, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}
