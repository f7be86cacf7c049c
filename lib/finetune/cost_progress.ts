/**
 * The cost study's progress in a notebook: one line updated in place
 * ("cost study (C.4, C.5): 12 of 30 steps measured, 1m02s"), which stays as
 * the cell's record once done; outside Jupyter, a line at the start and at
 * the end.
 *
 * @module
 */
import { liveOutput } from "../show/display.ts";
import { formatDuration } from "../train/progress.ts";
import type { CostProgress } from "./cost_run.ts";

/** One line on the study. */
export function costProgressLine(p: CostProgress): string {
  const what = "cost study (C.4, C.5)";
  if (p.cached) return `${what}: ${p.total} steps read from the cache`;
  if (p.finished) {
    return `${what}: ${p.total} steps measured in ${formatDuration(p.elapsed)}`;
  }
  return `${what}: ${p.done} of ${p.total} steps measured, ${
    formatDuration(p.elapsed)
  } (one worker process, beside the runs)`;
}

/**
 * A progress display for {@link costStudy}'s `progress` option.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function costProgress(): (p: CostProgress) => Promise<void> {
  const out = liveOutput({ "text/plain": "cost study: starting" });
  let said = false;
  return (p) => {
    const line = costProgressLine(p);
    if (!out.live && (!said || p.finished)) {
      said = true;
      console.log(line);
    }
    return out.update({ "text/plain": line });
  };
}
