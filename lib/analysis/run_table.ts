/**
 * The final-epoch table of a few runs side by side.
 *
 * @see notebooks/04_skip_connections.ipynb
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { EpochRecord } from "../train/types.ts";

/** A row of {@link finalRows}. */
export interface FinalRow {
  [column: string]: string | number | boolean;
  run: string;
  parameters: number;
  "train loss": number;
  "val loss": number;
  "val accuracy": number;
  "best val loss (epoch)": string;
  "s / epoch": number;
  source: string;
}

/**
 * One row per run: trainable + BatchNorm parameters, final losses and
 * accuracy, the best validation loss and its epoch, seconds per epoch, and
 * whether it was trained now or read from the cache.
 * @see notebooks/04_skip_connections.ipynb
 */
export function finalRows(
  runs: {
    label: string;
    model: tf.LayersModel;
    history: EpochRecord[];
    cached: boolean;
  }[],
): FinalRow[] {
  return runs.map((r) => {
    const last = r.history[r.history.length - 1];
    const best = r.history.reduce(
      (b, e) => (e.valLoss < b.valLoss ? e : b),
      last,
    );
    const mean = r.history.reduce((a, e) => a + e.seconds, 0) /
      r.history.length;
    return {
      run: r.label,
      parameters: r.model.countParams(),
      "train loss": last.trainLoss,
      "val loss": last.valLoss,
      "val accuracy": last.valAccuracy,
      "best val loss (epoch)": `${best.valLoss.toFixed(3)} (${best.epoch})`,
      "s / epoch": Number(mean.toFixed(1)),
      source: r.cached ? "read from cache" : "trained now",
    };
  });
}
