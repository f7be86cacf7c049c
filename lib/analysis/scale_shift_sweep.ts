/**
 * Part A.4: what does pre-processing every input pixel with y = a*x + b do
 * to the network's outputs? Measured with BatchNorm in training mode (batch
 * statistics) and in inference mode (running statistics), over a grid of a
 * (including a < 0) and b, with a per-pixel map of where the outputs change.
 *
 * Why to expect what (handout CNN, BatchNorm in training mode): the first conv
 * gives conv(a*x + b) = a*conv(x) + b*(sum of the taps that fall inside the
 * image) + (1 - a)*bias. Away from the border every pixel sees all taps, so
 * per channel this is a*z + const; max-pooling commutes with that for a > 0,
 * and BatchNorm with batch statistics removes any per-channel scale and shift:
 * everything after bn1 is unchanged. For a < 0 max-pooling turns into
 * min-pooling and the outputs change. Zero padding breaks the per-channel
 * constant at the border when b != 0 (border pixels see fewer taps). With
 * running statistics (inference mode) nothing normalises the change away.
 *
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type BnMode, forward, type GreyShape, greyTensor } from "./predict.ts";

/** One (a, b, mode) cell of the sweep. */
export interface ScaleShiftRow {
  a: number;
  b: number;
  mode: BnMode;
  /** mean |logits(a*x+b) - logits(x)| / mean |logits(x)|, same BN mode. */
  relativeChange: number;
  /** Share of pixels whose arg-max colour is unchanged. */
  agreement: number;
  /** Pixel accuracy against the palette labels (NaN for an inner layer). */
  accuracy: number;
  /**
   * Share of neighbouring pixel pairs (right and below) whose arg-max colour
   * is the same: how patchy the colouring is.
   */
  sameNeighbours: number;
}

/** Per-pixel mean |logit change| (over images and colours), [height * width]. */
export type ChangeMap = Float32Array;

interface Compared {
  row: ScaleShiftRow;
  map: ChangeMap;
}

/** How logits `ys` differ from `base` (see {@link logitChange}). */
export interface LogitChange {
  /** mean |ys - base| / mean |base|. */
  relativeChange: number;
  /** max |ys - base|. */
  maxChange: number;
  /** Share of pixels whose arg-max is the same in both. */
  agreement: number;
  /** Share of pixels whose arg-max of `ys` equals `labels` (NaN without labels). */
  accuracy: number;
  /** Arg-max of `ys` per pixel, [count * height * width]. */
  predicted: Int32Array;
  /** Per-pixel mean |ys - base| over images and channels, [height * width]. */
  map: ChangeMap;
}

/**
 * Compares logits (or any [count, height, width, channels] outputs) `ys`
 * with `base`: the numbers of one cell of the A.4 sweep, what the report's
 * live page shows as the reader moves a and b. Reads back with
 * `await t.data()`: `dataSync()` throws for GPU-resident tensors on WebGPU
 * under Deno (lib/backend/webgpu.ts).
 */
export async function logitChange(
  ys: tf.Tensor4D,
  base: tf.Tensor4D,
  labels?: ArrayLike<number>,
): Promise<LogitChange> {
  const [h, w] = [ys.shape[1], ys.shape[2]];
  let read: tf.Tensor[] = [];
  try {
    read = tf.tidy(() => {
      const diff = tf.abs(tf.sub(ys, base));
      return [
        tf.stack([tf.mean(diff), tf.mean(tf.abs(base)), tf.max(diff)]),
        tf.argMax(ys, -1).reshape([-1]),
        tf.argMax(base, -1).reshape([-1]),
        tf.mean(diff, [0, 3]).reshape([h * w]),
      ];
    });
    // [mean |diff|, mean |base|, max |diff|], arg-max of ys and of base, map
    const [stats, p, q, map] = await Promise.all(read.map((t) => t.data()));
    const [meanDiff, meanBase, maxDiff] = stats;
    let same = 0, hit = 0;
    for (let i = 0; i < p.length; i++) {
      if (p[i] === q[i]) same++;
      if (labels && p[i] === labels[i]) hit++;
    }
    return {
      relativeChange: meanDiff / meanBase,
      maxChange: maxDiff,
      agreement: same / p.length,
      accuracy: labels ? hit / p.length : NaN,
      predicted: Int32Array.from(p),
      map: map as Float32Array,
    };
  } finally {
    tf.dispose(read);
  }
}

/** One cell of the sweep: `a*x + b` against `base` (the logits of x). */
async function compare(
  model: tf.LayersModel,
  xs: tf.Tensor4D,
  base: tf.Tensor4D,
  labels: ArrayLike<number>,
  cell: { a: number; b: number; mode: BnMode },
  layer?: string,
): Promise<Compared> {
  const ys = tf.tidy(() =>
    forward(model, tf.add(tf.mul(xs, cell.a), cell.b), cell.mode, { layer })
  );
  try {
    const c = await logitChange(ys, base, labels);
    return {
      row: {
        ...cell,
        relativeChange: c.relativeChange,
        agreement: c.agreement,
        accuracy: layer === undefined ? c.accuracy : NaN,
        sameNeighbours: sameNeighbours(c.predicted, ys.shape[1], ys.shape[2]),
      },
      map: c.map,
    };
  } finally {
    ys.dispose();
  }
}

/** Share of right and lower neighbours with the same label, over images of h x w. */
export function sameNeighbours(
  labels: ArrayLike<number>,
  h: number,
  w: number,
): number {
  let same = 0, pairs = 0;
  for (let base = 0; base < labels.length; base += h * w) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = base + y * w + x;
        if (x + 1 < w) {
          pairs++;
          if (labels[i] === labels[i + 1]) same++;
        }
        if (y + 1 < h) {
          pairs++;
          if (labels[i] === labels[i + w]) same++;
        }
      }
    }
  }
  return pairs === 0 ? NaN : same / pairs;
}

/** Options of {@link scaleShiftSweep}. */
export interface SweepOptions extends GreyShape {
  /** Values of a (default -2, -1, -0.5, 0.5, 1, 2, 4). */
  scales?: number[];
  /** Values of b (default -0.5, 0, 0.5, 1). */
  shifts?: number[];
  /** BatchNorm modes (default both). */
  modes?: BnMode[];
  /** Compare this layer's output instead of the logits (e.g. "relu1"). */
  layer?: string;
}

/**
 * Feeds `a*x + b` for every (a, b, mode) and compares the logits with those
 * for x in the same BatchNorm mode. All images go through as one batch (so
 * training-mode statistics are over the same images every time).
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export async function scaleShiftSweep(
  model: tf.LayersModel,
  grey: Float32Array,
  labels: ArrayLike<number>,
  opts: SweepOptions,
): Promise<ScaleShiftRow[]> {
  const scales = opts.scales ?? [-2, -1, -0.5, 0.5, 1, 2, 4];
  const shifts = opts.shifts ?? [-0.5, 0, 0.5, 1];
  const modes = opts.modes ?? ["training", "inference"];
  const xs = greyTensor(grey, opts);
  const rows: ScaleShiftRow[] = [];
  try {
    for (const mode of modes) {
      const base = forward(model, xs, mode, opts);
      try {
        for (const a of scales) {
          for (const b of shifts) {
            const cell = { a, b, mode };
            rows.push(
              (await compare(model, xs, base, labels, cell, opts.layer)).row,
            );
          }
        }
      } finally {
        base.dispose();
      }
    }
  } finally {
    xs.dispose();
  }
  return rows;
}

/**
 * Where the outputs change: per pixel, the mean |change| of the logits (or of
 * `layer`'s output) for one (a, b, mode), over all images and channels. The
 * map has that layer's height and width.
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export async function changeMap(
  model: tf.LayersModel,
  grey: Float32Array,
  opts: GreyShape & { a: number; b: number; mode: BnMode; layer?: string },
): Promise<ChangeMap> {
  const xs = greyTensor(grey, opts);
  try {
    const base = forward(model, xs, opts.mode, opts);
    try {
      const cell = { a: opts.a, b: opts.b, mode: opts.mode };
      const labels = new Uint8Array(0);
      return (await compare(model, xs, base, labels, cell, opts.layer)).map;
    } finally {
      base.dispose();
    }
  } finally {
    xs.dispose();
  }
}

/**
 * A change map averaged over rings by distance to the nearest image edge:
 * entry d is the mean over pixels d pixels in from the border (0 = the
 * outermost ring).
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function ringProfile(map: ChangeMap, shape: GreyShape): Float64Array {
  const { height: h, width: w } = shape;
  const rings = Math.ceil(Math.min(h, w) / 2);
  const sum = new Float64Array(rings), count = new Float64Array(rings);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.min(y, x, h - 1 - y, w - 1 - x);
      sum[d] += map[y * w + x];
      count[d]++;
    }
  }
  return sum.map((s, d) => s / count[d]);
}

/**
 * The first `count` validation images of a data set as one analysis batch.
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function analysisBatch(
  td: { valX: Float32Array; valY: Uint8Array; height: number; width: number },
  count: number,
): GreyShape & { grey: Float32Array; labels: Uint8Array; count: number } {
  const per = td.height * td.width;
  const n = Math.min(count, td.valY.length / per);
  return {
    grey: td.valX.subarray(0, n * per),
    labels: td.valY.subarray(0, n * per),
    count: n,
    height: td.height,
    width: td.width,
  };
}
