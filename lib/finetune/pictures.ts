/**
 * A segmentation run's picture (its `samples.png`): the first test photos
 * with each prediction drawn as outcomes (lib/plots/mask_outcomes.ts: true
 * and false positives and misses on the grey photo) and each image's IoU.
 *
 * @module
 */
import type { SegmentationSet } from "../data/weizmann.ts";
import { maskOutcomes } from "../plots/mask_outcomes.ts";
import { foregroundIoU } from "./metrics.ts";

/**
 * PNG: the first `count` test photos (top row), then one row per entry of
 * `predictions` ([set.count, S, S] 0/1 each).
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
  const rows = Object.entries(predictions).map(([label, masks]) => ({
    label,
    masks,
    iou: foregroundIoU(masks, set.masks, set.count),
  }));
  return await maskOutcomes(set, rows, { indices, scale: opts.scale });
}
