/**
 * What the trainer consumes, made from loaded data: grey inputs and per-pixel
 * labels (palette colours for colourization, horse/background masks for
 * segmentation).
 *
 * @module
 */
import type { TrainData } from "../train/types.ts";
import { greyImages, limitImageSet } from "./batches.ts";
import { nearestColourLabels } from "./palette.ts";
import type { CategoryData, Palette } from "./types.ts";
import type { SegmentationData } from "./weizmann.ts";

const prepared = new WeakMap<CategoryData, Map<string, TrainData>>();

/**
 * Grey inputs and palette labels of the first `limitTrain` training and
 * `limitVal` validation images (null or undefined: all), computed once per
 * data, palette and limits.
 */
export function colourTrainData(
  data: CategoryData,
  palette: Palette,
  limits: { limitTrain?: number | null; limitVal?: number | null } | {
    task: "segmentation";
  } = {},
): TrainData {
  if ("task" in limits && limits.task === "segmentation") {
    throw new Error("a segmentation run has no colourization data");
  }
  const l = limits as { limitTrain?: number | null; limitVal?: number | null };
  const key = `${Array.from(palette.colours)}/${l.limitTrain ?? "all"}/${
    l.limitVal ?? "all"
  }`;
  let byKey = prepared.get(data);
  if (!byKey) prepared.set(data, byKey = new Map());
  const hit = byKey.get(key);
  if (hit) return hit;
  const train = limitImageSet(data.train, l.limitTrain ?? undefined);
  const val = limitImageSet(data.val, l.limitVal ?? undefined);
  const result: TrainData = {
    trainX: greyImages(train),
    trainY: nearestColourLabels(train.images, palette),
    valX: greyImages(val),
    valY: nearestColourLabels(val.images, palette),
    height: train.height,
    width: train.width,
    numColours: palette.numColours,
  };
  byKey.set(key, result);
  return result;
}

/**
 * Grey photos and masks of the segmentation data: training split to train,
 * test split to validate (the network sees grey inputs, as in pre-training).
 */
export function segmentationTrainData(data: SegmentationData): TrainData {
  const grey = (s: SegmentationData["train"]) =>
    greyImages({
      images: s.images,
      labels: new Uint8Array(0),
      count: s.count,
      height: s.size,
      width: s.size,
    });
  return {
    trainX: grey(data.train),
    trainY: data.train.masks,
    valX: grey(data.test),
    valY: data.test.masks,
    height: data.train.size,
    width: data.train.size,
    numColours: 2,
  };
}
