/**
 * Part A.4's figures: the sweep as heatmap matrices, change maps as rows,
 * ring profiles by distance from the border, and the colourized images of
 * transformed inputs.
 *
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { paletteToRgb } from "../data/palette.ts";
import type { Palette } from "../data/types.ts";
import type { GridRow } from "../io/images.ts";
import { type BnMode, forward, type GreyShape, greyTensor } from "./predict.ts";
import {
  type ChangeMap,
  changeMap,
  ringProfile,
  type ScaleShiftRow,
} from "./scale_shift.ts";

/**
 * One field of a sweep as a matrix for lib/plots.ts `heatmap`: rows = a
 * (top to bottom as given), columns = b.
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function sweepMatrix(
  rows: ScaleShiftRow[],
  mode: BnMode,
  field: "relativeChange" | "agreement" | "accuracy" | "maxChange",
): { matrix: number[][]; yLabels: string[]; xLabels: string[] } {
  const own = rows.filter((r) => r.mode === mode);
  const scales = [...new Set(own.map((r) => r.a))];
  const shifts = [...new Set(own.map((r) => r.b))];
  return {
    matrix: scales.map((a) =>
      shifts.map((b) => own.find((r) => r.a === a && r.b === b)?.[field] ?? NaN)
    ),
    yLabels: scales.map((a) => `a = ${a}`),
    xLabels: shifts.map((b) => `b = ${b}`),
  };
}

/** A change map as rows for lib/plots.ts `heatmap` ([height][width]). */
export function mapRows(map: ChangeMap, shape: GreyShape): number[][] {
  return Array.from(
    { length: shape.height },
    (_, y) => Array.from(map.subarray(y * shape.width, (y + 1) * shape.width)),
  );
}

/**
 * Grid rows of the model's colourization of the first `count` images
 * (default 8) under each (a, b, mode), for lib/io/images.ts `imageGrid`.
 * Training-mode BatchNorm uses the statistics of the whole batch given.
 * @see notebooks/03_batchnorm_scale_shift.ipynb
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
        label: `a=${c.a}, b=${c.b}, ${
          c.mode === "training" ? "batch stats" : "running stats"
        }`,
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
 * Ring profiles ({@link ringProfile}) of several (a, b, mode, layer) cases as
 * points for lib/plots.ts `lineChart`: x = distance from the nearest edge in
 * input pixels (an inner layer's rings scaled up to input resolution).
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export async function borderProfiles(
  model: tf.LayersModel,
  batch: GreyShape & { grey: Float32Array },
  cases: {
    label: string;
    a: number;
    b: number;
    mode: BnMode;
    layer?: string;
  }[],
): Promise<{ x: number; y: number; series: string }[]> {
  const points: { x: number; y: number; series: string }[] = [];
  for (const c of cases) {
    const map = await changeMap(model, batch.grey, { ...batch, ...c });
    const scale = Math.sqrt(batch.height * batch.width / map.length);
    const shape = { height: batch.height / scale, width: batch.width / scale };
    ringProfile(map, shape).forEach((y, d) =>
      points.push({ x: d * scale, y, series: c.label })
    );
  }
  return points;
}
