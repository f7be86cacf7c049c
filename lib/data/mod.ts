/**
 * The `data` namespace: the CIFAR-10 horses with their palette, the
 * Weizmann horses, and what the networks see of them.
 *
 * @module
 */
export { type ExperimentData, loadExperimentData as horses } from "./horses.ts";
export { colourTrainData as trainData } from "./train_data.ts";
export { greyImages, limitImageSet } from "./batches.ts";
export { nearestColourLabels, paletteToRgb } from "./palette.ts";
export type { CategoryData, DataSource, ImageSet, Palette } from "./types.ts";
export {
  defaultWeizmannDir,
  loadHorsePhotos as horsePhotos,
  loadSegmentationData as segmentation,
  type SegmentationData,
} from "../finetune/segmentation_data.ts";
