/**
 * The Deno side of the live page's check: the same model (read from the
 * report's tfjs-format files), the same input tensor, run through lib/ in
 * Deno, and the rule by which the browser's answer must agree:
 *
 * - every logit within tol = 1e-4 x max|logit| of Deno's;
 * - the predicted label equal wherever Deno's top two logits differ by more
 *   than tol (elsewhere the two colours are a tie at float32 precision);
 * - A.4: the relative change of the logits within 1e-4 of what
 *   lib/analysis computes for the same a, b and BatchNorm mode.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { scaleShiftSweep } from "../analysis/scale_shift_sweep.ts";
import type { BnMode } from "../analysis/predict.ts";
import { fileHandler } from "../io/file_handler.ts";
import { compileInferenceAsync } from "../models/inference.ts";
import {
  base64ToBytes,
  base64ToFloats,
  type LiveValidation,
} from "../browser/live_data.ts";

/** Relative tolerance of logits: tol = LOGIT_TOLERANCE x max|logit|. */
export const LOGIT_TOLERANCE = 1e-4;
/** Absolute tolerance of the A.4 relative change. */
export const CHANGE_TOLERANCE = 1e-4;

/** How a browser's logits compare with Deno's. */
export interface LogitAgreement {
  pixels: number;
  /** max |browser - deno|. */
  maxAbsDiff: number;
  /** 1e-4 x max|deno logit|. */
  tolerance: number;
  /** Pixels whose top two Deno logits differ by more than the tolerance. */
  decided: number;
  /** Of those, pixels where the labels differ. */
  labelMismatches: number;
  /** Both rules hold. */
  ok: boolean;
}

/**
 * Compares `[pixels, classes]` logits and arg-max labels of the browser with
 * Deno's by the rule of the module doc.
 */
export function compareLogits(
  browser: { logits: ArrayLike<number>; labels: ArrayLike<number> },
  deno: Float32Array,
  classes: number,
): LogitAgreement {
  if (browser.logits.length !== deno.length) {
    throw new Error(
      `the browser gave ${browser.logits.length} logits, Deno ${deno.length}`,
    );
  }
  let maxLogit = 0;
  for (const v of deno) maxLogit = Math.max(maxLogit, Math.abs(v));
  const tolerance = LOGIT_TOLERANCE * maxLogit;
  let maxAbsDiff = 0;
  for (let i = 0; i < deno.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(browser.logits[i] - deno[i]));
  }
  const pixels = deno.length / classes;
  let decided = 0, labelMismatches = 0;
  for (let p = 0; p < pixels; p++) {
    let best = 0, first = -Infinity, second = -Infinity;
    for (let k = 0; k < classes; k++) {
      const v = deno[p * classes + k];
      if (v > first) {
        second = first;
        first = v;
        best = k;
      } else if (v > second) second = v;
    }
    if (first - second <= tolerance) continue;
    decided++;
    if (browser.labels[p] !== best) labelMismatches++;
  }
  return {
    pixels,
    maxAbsDiff,
    tolerance,
    decided,
    labelMismatches,
    ok: maxAbsDiff <= tolerance && labelMismatches === 0,
  };
}

/** A tfjs-format model folder, loaded once per check. */
export class DenoModels {
  private readonly cache = new Map<string, tf.LayersModel>();

  /** The model saved in `dir`. */
  async model(dir: string): Promise<tf.LayersModel> {
    let m = this.cache.get(dir);
    if (!m) {
      m = await tf.loadLayersModel(fileHandler(dir));
      this.cache.set(dir, m);
    }
    return m;
  }

  /** Eval-mode logits (lib/models/inference.ts) of one grey image. */
  async logits(
    dir: string,
    grey: ArrayLike<number>,
    size: { height: number; width: number },
  ): Promise<Float32Array> {
    const net = await compileInferenceAsync(await this.model(dir));
    try {
      const y = tf.tidy(() =>
        net.apply(
          tf.tensor4d(Float32Array.from(grey), [1, size.height, size.width, 1]),
        )
      );
      const values = await y.data() as Float32Array;
      y.dispose();
      return values;
    } finally {
      net.dispose();
    }
  }

  /** lib/analysis's relative change of the logits for one (a, b, mode). */
  async relativeChange(
    dir: string,
    v: LiveValidation,
    cell: { a: number; b: number; mode: BnMode },
  ): Promise<number> {
    const [row] = await scaleShiftSweep(
      await this.model(dir),
      base64ToFloats(v.grey),
      base64ToBytes(v.labels),
      {
        height: v.height,
        width: v.width,
        scales: [cell.a],
        shifts: [cell.b],
        modes: [cell.mode],
      },
    );
    return row.relativeChange;
  }

  /** Frees every model. */
  dispose(): void {
    for (const m of this.cache.values()) m.dispose();
    this.cache.clear();
  }
}
