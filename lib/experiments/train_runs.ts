/**
 * Several runs in a row for a notebook: a fresh progress display per run
 * that is trained (none for one read from the cache), and the line that says
 * which it was.
 *
 * @see notebooks/05_batch_size.ipynb
 * @module
 */
import type { ColourizationInput } from "../run/config.ts";
import type { Run } from "../run/load.ts";
import {
  isCurrent,
  planRun,
  trainOrLoad,
  type TrainOrLoadOptions,
} from "../run/run.ts";
import type { TrainOptions } from "../train/fit.ts";
import type { ExperimentData } from "./experiment_data.ts";

type ExperimentSpec = ColourizationInput;

/**
 * One line saying what a result is and whether it was trained now or read
 * from the cache, e.g. "unet_bs100_..._1a2b3c4d: read from cache (trained in 512 s)".
 * @see notebooks/04_skip_connections.ipynb
 */
export function describeRun(run: Run): string {
  const last = run.history[run.history.length - 1];
  const trainSeconds = run.json.timings.trainSeconds;
  const how = run.cached
    ? `read from cache ${run.dir} (trained earlier in ${
      trainSeconds.toFixed(0)
    } s)`
    : `trained now in ${trainSeconds.toFixed(0)} s, cached in ${run.dir}`;
  const result = last
    ? `; final val loss ${last.valLoss.toFixed(3)}, val accuracy ${
      last.valAccuracy.toFixed(3)
    }`
    : "";
  return `${run.runId}: ${how}${result}`;
}

/** Progress callbacks for one run, e.g. lib/notebook.ts `liveProgress(label)`. */
export interface RunProgress {
  onBatchEnd?: TrainOptions["onBatchEnd"];
  onEpochEnd?: TrainOptions["onEpochEnd"];
  /** Called when the run is trained or loaded. */
  done?: () => void | Promise<void>;
}

/**
 * {@link trainOrLoad} for several specs in turn, with a fresh progress
 * reporter per run (`progress(label)`), and `onRun` after each.
 * @see notebooks/05_batch_size.ipynb
 */
export async function trainOrLoadAll(
  specs: ExperimentSpec[],
  opts:
    & Omit<TrainOrLoadOptions, "onBatchEnd" | "onEpochEnd" | "dir">
    & ExperimentData
    & {
      progress?: (label: string) => RunProgress;
      label?: (spec: ExperimentSpec) => string;
      onRun?: (run: Run) => void | Promise<void>;
    },
): Promise<Run[]> {
  const runs: Run[] = [];
  const sources = { colour: { data: opts.data, palette: opts.palette } };
  for (const spec of specs) {
    // no progress display for a run that is only read from the cache
    const show = opts.progress &&
      (opts.retrain ||
        !(await isCurrent(await planRun(spec, sources, opts))));
    const p = show ? opts.progress!(opts.label?.(spec) ?? spec.model) : {};
    const run = await trainOrLoad(spec, sources, {
      ...opts,
      onBatchEnd: p.onBatchEnd,
      onEpochEnd: p.onEpochEnd,
    });
    await p.done?.();
    await opts.onRun?.(run);
    runs.push(run);
  }
  return runs;
}
