/**
 * Rows of validation images for lib/io/images.ts `imageGrid`: the grey
 * input, each model's colourization, the palette ground truth, the original.
 *
 * @see notebooks/01_colourization.ipynb
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { paletteToRgb } from "../data/palette.ts";
import type { ImageSet, Palette } from "../data/types.ts";
import type { ExperimentData } from "../data/horses.ts";
import { colourTrainData } from "../data/train_data.ts";
import { type GridRow, imageGrid } from "../io/images.ts";
import { predictLabels } from "../train/evaluate.ts";
import type { TrainData } from "../train/types.ts";

/**
 * The first `count` validation images (default 10) as grid rows: "grey
 * input", one row per model (its arg-max palette colours), "palette truth"
 * and "original".
 * @see notebooks/04_skip_connections.ipynb
 */
export async function colourizedRows(opts: {
  val: ImageSet;
  td: TrainData;
  palette: Palette;
  models: { label: string; model: tf.LayersModel }[];
  count?: number;
}): Promise<GridRow[]> {
  const { td, palette } = opts;
  const count = Math.min(opts.count ?? 10, opts.val.count);
  const pixels = td.height * td.width;
  const size = { count, height: td.height, width: td.width };
  const grey = td.valX.subarray(0, count * pixels);
  const rows: GridRow[] = [{
    label: "grey input",
    images: { ...size, images: grey, channels: 1 },
  }];
  for (const { label, model } of opts.models) {
    const labels = await predictLabels(model, grey, size);
    rows.push({
      label,
      images: { ...size, images: paletteToRgb(labels, palette), channels: 3 },
    });
  }
  rows.push(
    {
      label: "palette truth",
      images: {
        ...size,
        images: paletteToRgb(td.valY.subarray(0, count * pixels), palette),
        channels: 3,
      },
    },
    {
      label: "original",
      images: {
        ...size,
        images: opts.val.images.subarray(0, count * pixels * 3),
        channels: 3,
      },
    },
  );
  return rows;
}

/**
 * The grid of {@link colourizedRows} as PNG bytes (images 3 times their
 * size) for models trained on `horses`: the first `count` validation horses.
 */
export async function colourizedGrid(
  horses: ExperimentData,
  models: { label: string; model: tf.LayersModel }[],
  opts: { count?: number; scale?: number } = {},
): Promise<Uint8Array> {
  // only validation images are shown: no need to prepare the training set
  const td = colourTrainData(horses.data, horses.palette, { limitTrain: 1 });
  return await imageGrid(
    await colourizedRows({
      val: horses.data.val,
      td,
      palette: horses.palette,
      models,
      count: opts.count,
    }),
    { scale: opts.scale ?? 3 },
  );
}

/**
 * The model of each group's first seed, labelled "<group> (seed <s>)", for
 * {@link colourizedGrid}: the runs a study summarised, one row per group.
 */
export function firstSeedModels(
  groups: { label: string; firstSeed: { seed: number; run: number } }[],
  runs: { model: tf.LayersModel }[],
): { label: string; model: tf.LayersModel }[] {
  return groups.map((g) => ({
    label: `${g.label} (seed ${g.firstSeed.seed})`,
    model: runs[g.firstSeed.run].model,
  }));
}
