/**
 * Live progress of a notebook's runs (lib/run/run_all.ts reports the state):
 * one output updated in place with a bar, runs done / training / queued, the
 * time left, a row per run, and the training and validation loss per epoch
 * drawn as they come (as d2l's ProgressBoard does). Outside Jupyter it prints
 * a line per finished epoch instead.
 *
 * @module
 */
import { escapeHtml } from "../io/html.ts";
import { lossCurves } from "../plots.ts";
import type { RunsState, RunState } from "../run/run_all.ts";
import { formatDuration } from "../train/progress.ts";
import { liveOutput } from "./display.ts";
import { tableBundle } from "./table.ts";

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Least milliseconds between two redraws of the bar (default 250); epochs always redraw. */
  minIntervalMs?: number;
  /** Draw the loss curves (default true). */
  curves?: boolean;
}

/** One line on the state: counts, elapsed time and the time left. */
export function progressLine(s: RunsState): string {
  const n = (st: RunState["status"]) =>
    s.runs.filter((r) => r.status === st).length;
  const cached = n("cached");
  const counts = [
    `${n("done")} trained`,
    n("training") ? `${n("training")} training` : "",
    n("queued") ? `${n("queued")} queued` : "",
    cached ? `${cached} read from the cache` : "",
    n("stopped") ? `${n("stopped")} stopped` : "",
    n("failed") ? `${n("failed")} failed` : "",
  ].filter(Boolean).join(", ");
  const time = s.finished
    ? `${formatDuration(s.elapsed)}`
    : `${formatDuration(s.elapsed)} elapsed` +
      (Number.isFinite(s.eta) ? `, about ${formatDuration(s.eta)} left` : "");
  const runs = `${s.runs.length} run${s.runs.length === 1 ? "" : "s"}`;
  const how = s.runs.some((r) => r.status !== "cached")
    ? ` (${s.jobs} at a time)`
    : "";
  return `${runs}${how}: ${counts}; ${time}`;
}

function fraction(s: RunsState): number {
  const work = s.runs.filter((r) => r.status !== "cached");
  if (work.length === 0) return 1;
  const done = work.map((r) => {
    if (r.status === "done") return 1;
    const b = r.batch;
    return b ? (b.epoch - 1 + b.images / b.epochImages) / r.numEpochs : 0;
  });
  return done.reduce((a, b) => a + b, 0) / work.length;
}

function rows(s: RunsState) {
  return s.runs.map((r) => {
    const last = r.epochs.at(-1);
    const b = r.batch;
    const where = r.status === "training" && b
      ? `epoch ${b.epoch}/${r.numEpochs}, batch ${b.batch}/${b.batchesPerEpoch}`
      : r.status;
    return {
      run: r.label,
      status: where,
      epochs: `${r.epochs.length}/${r.numEpochs}`,
      "train loss": last?.trainLoss,
      "val loss": last?.valLoss,
      "val accuracy": last?.valAccuracy,
      // the last epoch only: the analyses average over every epoch
      "last epoch (s)": last ? Number(last.seconds.toFixed(1)) : undefined,
    };
  });
}

/**
 * A progress display for `runAll`'s `progress` option.
 *
 * ```ts
 * const runs = await train.runAll(experiment.runs, { colour: horses, progress: show.progress() });
 * ```
 */
export function progress(
  options: ProgressOptions = {},
): (state: RunsState) => Promise<void> {
  const minInterval = options.minIntervalMs ?? 250;
  const out = liveOutput({ "text/plain": "starting" });
  let lastShown = -Infinity;
  let epochsShown = -1;
  let svg = "";
  const printed = new Set<string>();
  return (s) => {
    const epochs = s.runs.reduce((n, r) => n + r.epochs.length, 0);
    const now = performance.now();
    const newEpoch = epochs !== epochsShown;
    if (!newEpoch && !s.finished && now - lastShown < minInterval) {
      return Promise.resolve();
    }
    lastShown = now;
    const line = progressLine(s);
    for (const r of s.runs) {
      const e = r.epochs.at(-1);
      const key = `${r.runId}/${e?.epoch}`;
      if (e && !printed.has(key) && !out.live) {
        printed.add(key);
        console.log(
          `${r.label}: epoch ${e.epoch}/${r.numEpochs}, train loss ${
            e.trainLoss.toFixed(4)
          }, val loss ${e.valLoss.toFixed(4)}, val accuracy ${
            (100 * e.valAccuracy).toFixed(1)
          }%`,
        );
      }
    }
    if (s.finished && !out.live) console.log(line);
    const trained = s.runs.filter((r) => r.epochs.length > 0);
    if (newEpoch && options.curves !== false && trained.length > 0) {
      epochsShown = epochs;
      svg = lossCurves(
        trained.map((r) => ({ name: r.label, history: r.epochs })),
        {
          title: "Loss per epoch while training",
          subtitle: "dashed: training (batch statistics); solid: validation",
        },
      );
    }
    const bar = `<progress value="${fraction(s).toFixed(4)}" max="1" ` +
      `style="width:24em"></progress>`;
    const table = tableBundle(rows(s));
    const notes = s.notes.map((n) => `<div>${escapeHtml(n)}</div>`).join("");
    // open while training; once done, one line that opens on demand
    const html = `<details class="colourlab-progress"${
      s.finished ? "" : " open"
    }><summary><b>${escapeHtml(line)}</b></summary>${
      s.finished ? "" : bar
    }${notes}${table["text/html"]}${svg}</details>`;
    return out.update({
      "text/html": html,
      "text/plain": `${line}\n${table["text/plain"]}`,
    });
  };
}
