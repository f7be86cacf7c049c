/**
 * The data every notebook starts from: the category's images, its palette,
 * and the grey inputs and palette labels the trainer consumes.
 *
 * @see notebooks/01_colourization.ipynb
 * @module
 */
import { DEFAULTS } from "../config.ts";
import { projectDataDir } from "../io/data_dir.ts";
import type { TrainData } from "../train/types.ts";
import { loadCategoryData } from "./cifar.ts";
import { loadOrComputePalette } from "./palette.ts";
import { colourTrainData } from "./train_data.ts";
import type { CategoryData, Palette } from "./types.ts";

/** A category's images and the palette computed over all its training pixels. */
export interface ExperimentData {
  data: CategoryData;
  palette: Palette;
}

/**
 * Loads the data the settings name and its palette (NC 24, seed 0, cached in
 * `cacheDir/palettes/`); `cacheDir` defaults to the project's data/ folder,
 * also when run from notebooks/. Without CIFAR-10 full mode fails with the
 * data layer's message; quick mode falls back to the synthetic set, whose
 * source then says so.
 * @see notebooks/01_colourization.ipynb
 */
export async function loadExperimentData(
  settings: { data?: string; seed: number; quick?: boolean },
  opts: { cacheDir?: string; numColours?: number } = {},
): Promise<ExperimentData> {
  const cacheDir = opts.cacheDir ?? projectDataDir();
  const data = await loadCategoryData({
    data: settings.data,
    cacheDir,
    syntheticFallback: settings.quick,
  });
  const palette = await loadOrComputePalette(data, {
    numColours: opts.numColours ?? DEFAULTS.numColours,
    seed: settings.seed,
    cacheDir,
  });
  return { data, palette };
}

/**
 * Grey inputs and palette labels of the first `limitTrain` training and
 * `limitVal` validation images (computed once per data and limits).
 * @see notebooks/01_colourization.ipynb
 */
export function trainData(
  exp: ExperimentData,
  limits: { limitTrain?: number; limitVal?: number } = {},
): TrainData {
  return colourTrainData(exp.data, exp.palette, limits);
}
