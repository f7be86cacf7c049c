/**
 * Notebook 03's figure data, from its study: the sweep as heatmap cells
 * (models by BatchNorm mode, one colour scale), accuracy against a, where a
 * shift changes the CNN (maps on one scale); and the pictures of the CNN's colours
 * for transformed inputs.
 *
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ExperimentData } from "../data/horses.ts";
import { paletteToRgb } from "../data/palette.ts";
import { colourTrainData } from "../data/train_data.ts";
import type { Palette } from "../data/types.ts";
import type { GridRow } from "../io/images.ts";
import type { HeatCell } from "../plots/heatmap.ts";
import type { Point } from "../plots/xy.ts";
import type { Run } from "../run/load.ts";
import { type BnMode, forward, type GreyShape, greyTensor } from "./predict.ts";
import {
  changed,
  type ScaleShiftExperiment,
  type ScaleShiftStudy,
} from "./scale_shift.ts";
import { analysisBatch } from "./scale_shift_sweep.ts";

const MODE_LABEL: Record<BnMode, string> = {
  training: "BatchNorm on batch statistics (training)",
  inference: "BatchNorm on running statistics (validation)",
};

/**
 * The sweep as heatmap cells: % of pixels whose colour changes, one panel
 * per model (rows) and BatchNorm mode (columns); a from top to bottom as in
 * the experiment, b from left to right.
 */
export function scaleShiftCells(s: ScaleShiftStudy): HeatCell[] {
  return s.models.flatMap((m) =>
    (["training", "inference"] as const).flatMap((mode) =>
      s.scales.flatMap((a) =>
        s.shifts.map((b) => {
          const r = m.rows.find((x) =>
            x.mode === mode && x.a === a && x.b === b
          );
          return {
            x: `b = ${b}`,
            y: `a = ${a}`,
            value: r ? 100 * changed(r) : NaN,
            column: MODE_LABEL[mode],
            row: m.name,
          };
        })
      )
    )
  );
}

/** Pixel accuracy against a, for b = 0 and the first other b, in both modes (first model). */
export function scaleShiftAccuracy(s: ScaleShiftStudy, model = 0): Point[] {
  const m = s.models[model];
  // b = 0 and the shift of the lowest accuracy, which the prose names
  const lowest = m.rows.filter((r) => r.b !== 0).reduce<
    (typeof m.rows)[number] | undefined
  >((lo, r) => (!lo || r.accuracy < lo.accuracy ? r : lo), undefined);
  const other = lowest?.b ?? s.shifts.find((b) => b !== 0);
  const shifts = other === undefined ? [0] : [0, other];
  return m.rows.filter((r) => shifts.includes(r.b)).map((r) => ({
    x: r.a,
    y: 100 * r.accuracy,
    series: `${
      r.mode === "training" ? "batch" : "running"
    } statistics, b = ${r.b}`,
  }));
}

/**
 * The border study's change maps side by side, in input pixels (a pooled
 * layer's position covers scale x scale pixels), each divided by the mean
 * change of its own innermost ring, so that one colour scale reads "times
 * the change at the centre" in both.
 */
export function scaleShiftBorderCells(s: ScaleShiftStudy): HeatCell[] {
  return (s.border?.maps ?? []).flatMap((m) => {
    const centre = m.rings[m.rings.length - 1];
    return m.map.flatMap((row, i) =>
      row.flatMap((v, j) =>
        Array.from({ length: m.scale * m.scale }, (_, k) => ({
          x: String(j * m.scale + (k % m.scale)),
          y: String(i * m.scale + Math.floor(k / m.scale)),
          value: v / centre,
          column: `${m.label} (${m.map.length}x${row.length})`,
        }))
      )
    );
  });
}

/**
 * Grid rows of `model`'s colours for each (a, b, mode), for lib/io/images.ts
 * `imageGrid`; training-mode BatchNorm uses the statistics of the whole batch.
 */
export async function transformedRows(
  model: tf.LayersModel,
  batch: GreyShape & { grey: Float32Array },
  palette: Palette,
  cells: { a: number; b: number; mode: BnMode }[],
  count = 8,
): Promise<GridRow[]> {
  const per = batch.height * batch.width;
  const n = Math.min(count, batch.grey.length / per);
  const xs = greyTensor(batch.grey, batch);
  const rows: GridRow[] = [];
  try {
    for (const c of cells) {
      const labels = tf.tidy(() =>
        tf.argMax(
          forward(model, tf.add(tf.mul(xs, c.a), c.b) as tf.Tensor4D, c.mode),
          -1,
        )
      );
      // await data(): dataSync() throws on WebGPU under Deno
      const data = await labels.data().finally(() => labels.dispose());
      rows.push({
        label: `a = ${c.a}, b = ${c.b}, ${
          c.mode === "training" ? "batch" : "running"
        } stats`,
        images: {
          images: paletteToRgb(
            Uint8Array.from(data.subarray(0, n * per)),
            palette,
          ),
          count: n,
          height: batch.height,
          width: batch.width,
          channels: 3,
        },
      });
    }
  } finally {
    xs.dispose();
  }
  return rows;
}

/**
 * The CNN's colours (the first run) for the telling transformations of the
 * experiment's grid: untransformed, the largest positive scale, the first
 * negative one, the first shift (batch statistics), and the same scale on
 * running statistics; with the grey input and the palette truth.
 */
export async function scaleShiftPictures(
  runs: Run[],
  horses: ExperimentData,
  experiment: ScaleShiftExperiment,
  count = 8,
): Promise<GridRow[]> {
  const run = runs.find((r) => r.config.model === "cnn") ?? runs[0];
  const td = colourTrainData(horses.data, horses.palette, run.config);
  const batch = analysisBatch(td, experiment.images);
  const n = Math.min(count, batch.count);
  const size = { count: n, height: batch.height, width: batch.width };
  const pixels = n * batch.height * batch.width;
  const scale = Math.max(...experiment.scales);
  const negative = experiment.scales.find((a) => a < 0);
  const shift = experiment.shifts.find((b) => b !== 0);
  const cells: { a: number; b: number; mode: BnMode }[] = [
    { a: 1, b: 0, mode: "training" },
    ...(scale !== 1 ? [{ a: scale, b: 0, mode: "training" as const }] : []),
    ...(negative !== undefined
      ? [{ a: negative, b: 0, mode: "training" as const }]
      : []),
    ...(shift !== undefined
      ? [{ a: 1, b: shift, mode: "training" as const }]
      : []),
    { a: 1, b: 0, mode: "inference" },
    ...(scale !== 1 ? [{ a: scale, b: 0, mode: "inference" as const }] : []),
  ];
  return [
    {
      label: "grey input",
      images: { ...size, images: batch.grey.subarray(0, pixels), channels: 1 },
    },
    ...await transformedRows(run.model, batch, horses.palette, cells, n),
    {
      label: "palette truth",
      images: {
        ...size,
        images: paletteToRgb(batch.labels.subarray(0, pixels), horses.palette),
        channels: 3,
      },
    },
  ];
}
