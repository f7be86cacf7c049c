/**
 * Part A.4, "how does the pre-processing y = a*x + b of every input pixel
 * affect the output?", measured on the trained networks in front of the
 * reader: each network over a grid of a and b with BatchNorm on batch
 * statistics (as in training) and on running statistics (as in validation),
 * and, for the CNN, where in the image a shift changes the first BatchNorm's
 * output. The answer and the findings (lib/analysis/scale_shift_findings.ts)
 * are written from this study.
 *
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 * @module
 */
import type { ExperimentData } from "../data/horses.ts";
import { TorchBatchNorm } from "../models/batch_norm.ts";
import { colourTrainData } from "../data/train_data.ts";
import type { ColourizationInput, ColourModel } from "../run/config.ts";
import type { Run } from "../run/load.ts";
import type { EpochRecord } from "../train/types.ts";
import type { BnMode, GreyShape } from "./predict.ts";
import {
  analysisBatch,
  changeMap,
  ringProfile,
  type ScaleShiftRow,
  scaleShiftSweep,
} from "./scale_shift_sweep.ts";

/** Notebook 03's experiment: the runs, and the grid of a and b they are measured on. */
export interface ScaleShiftExperiment {
  runs: ColourizationInput[];
  /** Validation images fed as one batch (batch statistics are over them). */
  images: number;
  /** Values of the scale a (1 is the untransformed input). */
  scales: number[];
  /** Values of the shift b (0 is the untransformed input). */
  shifts: number[];
}

/** One trained network swept over a, b and the two BatchNorm modes. */
export interface ModelSweep {
  /** "CNN", "UNet", ... */
  name: string;
  model: ColourModel;
  seed: number;
  numEpochs: number;
  /** The run's last epoch (validation over all its validation images). */
  final: EpochRecord;
  rows: ScaleShiftRow[];
}

/** How much one output changes at each position, for one transformation. */
export interface ChangeMapStudy {
  /** The layer ("bn1") or "logits". */
  label: string;
  /** Input pixels per position of the map (2 for bn1, after pooling). */
  scale: number;
  /** Mean |change| per position, over images and channels, [row][column]. */
  map: number[][];
  /** Mean |change| by distance from the nearest edge (index = positions in). */
  rings: number[];
  /** The outermost ring's change over the innermost ring's. */
  edgeToCentre: number;
}

/** Where a shift b changes the CNN (a = 1, batch statistics): its first BatchNorm's output and its logits. */
export interface BorderStudy {
  b: number;
  /** The first BatchNorm's output, then the logits. */
  maps: ChangeMapStudy[];
}

/** Everything notebook 03's answer and findings are written from. */
export interface ScaleShiftStudy {
  models: ModelSweep[];
  /** Of the first CNN, when there is one and a non-zero shift. */
  border?: BorderStudy;
  scales: number[];
  shifts: number[];
  /** Images in the analysis batch. */
  images: number;
  /** BatchNorm's epsilon (added to the variance), read from the first network. */
  epsilon: number;
  trainImages: number;
  synthetic: boolean;
}

/**
 * The share of pixels that may change colour for an output to count as
 * "unchanged" (the one definition): BatchNorm's epsilon alone moves the
 * logits a little, which flips the odd near-tie.
 */
export const UNCHANGED = 0.01;

const NAMES: Record<ColourModel, string> = {
  cnn: "CNN",
  unet: "UNet",
  unet_no_input_skip: "UNet without input skip",
  deeplab: "DeepLab",
};

/** Measures the study: every run over the experiment's grid, both BatchNorm modes. */
export async function scaleShiftStudy(
  runs: Run[],
  horses: ExperimentData,
  experiment: ScaleShiftExperiment,
): Promise<ScaleShiftStudy> {
  const first = runs[0].config;
  if (first.task !== "colourization") {
    throw new Error("colourization runs only");
  }
  const td = colourTrainData(horses.data, horses.palette, first);
  const batch = analysisBatch(td, experiment.images);
  const models: ModelSweep[] = [];
  for (const r of runs) {
    if (r.config.task !== "colourization") continue;
    models.push({
      name: NAMES[r.config.model],
      model: r.config.model,
      seed: r.config.seed,
      numEpochs: r.config.numEpochs,
      final: r.history.at(-1)!,
      rows: await scaleShiftSweep(r.model, batch.grey, batch.labels, {
        ...batch,
        scales: experiment.scales,
        shifts: experiment.shifts,
      }),
    });
  }
  const cnn = runs.find((r) => r.config.model === "cnn");
  const b = experiment.shifts.find((x) => x !== 0);
  return {
    models,
    border: cnn && b !== undefined
      ? await borderStudy(cnn, batch, b)
      : undefined,
    scales: experiment.scales,
    shifts: experiment.shifts,
    images: batch.count,
    epsilon: batchNormEpsilon(runs[0]),
    trainImages: td.trainY.length / (td.height * td.width),
    synthetic: horses.data.source.synthetic,
  };
}

async function borderStudy(
  cnn: Run,
  batch: GreyShape & { grey: Float32Array },
  b: number,
): Promise<BorderStudy> {
  const maps: ChangeMapStudy[] = [];
  for (const layer of ["bn1", undefined]) {
    const flat = await changeMap(cnn.model, batch.grey, {
      ...batch,
      a: 1,
      b,
      mode: "training",
      layer,
    });
    // pooling keeps the aspect ratio: the map is (height/s) x (width/s)
    const scale = Math.round(
      Math.sqrt(batch.height * batch.width / flat.length),
    );
    const shape = { height: batch.height / scale, width: batch.width / scale };
    const rings = Array.from(ringProfile(flat, shape));
    maps.push({
      label: layer ?? "logits",
      scale,
      map: Array.from(
        { length: shape.height },
        (_, y) =>
          Array.from(flat.subarray(y * shape.width, (y + 1) * shape.width)),
      ),
      rings,
      edgeToCentre: rings[0] / rings[rings.length - 1],
    });
  }
  return { b, maps };
}

function batchNormEpsilon(run: Run): number {
  const bn = run.model.layers.find((l) => l instanceof TorchBatchNorm);
  return bn instanceof TorchBatchNorm ? bn.epsilon : NaN;
}

/** The cells of one kind of transformation (the identity a = 1, b = 0 never included). */
export type CellGroup = "positive scale" | "negative scale" | "shift";

/** The sweep's cells of `group` in `mode`: positive scale (b = 0), negative scale (b = 0), shift (a = 1). */
export function cells(
  m: ModelSweep,
  mode: BnMode,
  group?: CellGroup,
): ScaleShiftRow[] {
  return m.rows.filter((r) => {
    if (r.mode !== mode || (r.a === 1 && r.b === 0)) return false;
    if (group === "positive scale") return r.a > 0 && r.b === 0;
    if (group === "negative scale") return r.a < 0 && r.b === 0;
    if (group === "shift") return r.a === 1 && r.b !== 0;
    return true;
  });
}

/** The untransformed cell (a = 1, b = 0) in `mode`. */
export function identity(
  m: ModelSweep,
  mode: BnMode,
): ScaleShiftRow | undefined {
  return m.rows.find((r) => r.mode === mode && r.a === 1 && r.b === 0);
}

/** Smallest and largest of a field over cells (NaN, NaN when there are none). */
export function range(
  rows: ScaleShiftRow[],
  f: (r: ScaleShiftRow) => number,
): { min: number; max: number; minAt?: ScaleShiftRow; maxAt?: ScaleShiftRow } {
  if (rows.length === 0) return { min: NaN, max: NaN };
  const minAt = rows.reduce((a, r) => (f(r) < f(a) ? r : a));
  const maxAt = rows.reduce((a, r) => (f(r) > f(a) ? r : a));
  return { min: f(minAt), max: f(maxAt), minAt, maxAt };
}

/** Share of pixels whose colour changes. */
export const changed = (r: ScaleShiftRow) => 1 - r.agreement;

/** True when no cell recolours more than {@link UNCHANGED} of the pixels. */
export function unchanged(rows: ScaleShiftRow[]): boolean {
  return rows.length > 0 && rows.every((r) => changed(r) <= UNCHANGED);
}
