/**
 * Progress of a training run for people: a one-line bar with ETA redrawn in
 * place in a terminal, plain lines elsewhere (logs, Jupyter). The trainer only
 * calls callbacks; this module turns them into text for a sink the caller
 * owns, so library code still never prints.
 *
 * @module
 */
import type { DownloadProgress } from "../data/download.ts";
import { downloadMeter } from "../data/download_progress.ts";
import type { BatchReport, EpochRecord } from "./types.ts";

/** Where progress text goes. */
export interface ProgressSink {
  /** Writes text as is (no newline added). */
  write(text: string): void;
  /** True when the sink is a terminal: the bar is redrawn in place. */
  isTerminal: boolean;
  /** Terminal width (default 100). */
  columns?: number;
}

/** Options of {@link progressReporter}. */
export interface ProgressOptions {
  /** Least time between two redraws of the bar (default 100 ms). */
  redrawMs?: number;
  /** Least time between two plain progress lines (default 10 s). */
  lineEveryMs?: number;
  /** Clock in ms, for tests (default performance.now). */
  now?: () => number;
}

/** Callbacks to hand to the trainer and to the data loader. */
export interface ProgressReporter {
  onBatchEnd(report: BatchReport): void;
  onEpochEnd(record: EpochRecord): void;
  /** Download progress of the data loader. */
  onDownload(p: DownloadProgress): void;
  /** Ends a bar left on screen (call once at the end). */
  finish(): void;
}

/** "1h02m", "3m07s", "42s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, "0")}s`;
  return `${r}s`;
}

/** One line summarising a finished epoch. */
export function formatEpoch(r: EpochRecord, numEpochs?: number): string {
  const of = numEpochs ? `/${numEpochs}` : "";
  return `epoch ${r.epoch}${of}: train loss ${r.trainLoss.toFixed(4)}, ` +
    `val loss ${r.valLoss.toFixed(4)}, val accuracy ${
      (100 * r.valAccuracy).toFixed(1)
    }%, ` +
    `${r.seconds.toFixed(1)} s, ${r.imagesPerSecond.toFixed(1)} images/s`;
}

/**
 * Seconds left in the run: the rest of this epoch at its current pace, plus
 * the remaining epochs at the pace of the last whole epoch (validation
 * included) when there was one, else at this epoch's training pace.
 */
export function estimateRemaining(
  r: BatchReport,
  lastEpochSeconds?: number,
): number {
  const perImage = r.epochSeconds / Math.max(1, r.images);
  const restOfEpoch = perImage * (r.epochImages - r.images);
  const epochSeconds = lastEpochSeconds ?? perImage * r.epochImages;
  return restOfEpoch + (r.numEpochs - r.epoch) * epochSeconds;
}

/**
 * Turns trainer callbacks into a progress bar (terminal) or progress lines.
 */
export function progressReporter(
  sink: ProgressSink,
  opts: ProgressOptions = {},
): ProgressReporter {
  const now = opts.now ?? (() => performance.now());
  const redrawMs = opts.redrawMs ?? 100;
  const lineEveryMs = opts.lineEveryMs ?? 10_000;
  let lastDraw = -Infinity;
  let lastLine = -Infinity;
  let barShown = false;
  let lastEpochSeconds: number | undefined;
  let numEpochs: number | undefined;
  const download = downloadMeter(now);

  const clearBar = () => {
    if (barShown) sink.write("\r\x1b[2K");
    barShown = false;
  };

  const status = (r: BatchReport) => {
    const eta = formatDuration(estimateRemaining(r, lastEpochSeconds));
    const rate = r.images / Math.max(1e-9, r.epochSeconds);
    return `epoch ${r.epoch}/${r.numEpochs} batch ${r.batch}/${r.batchesPerEpoch} ` +
      `loss ${r.loss.toFixed(4)} ${rate.toFixed(1)} img/s ETA ${eta}`;
  };

  return {
    onBatchEnd(r) {
      numEpochs = r.numEpochs;
      const t = now();
      const last = r.batch === r.batchesPerEpoch;
      if (sink.isTerminal) {
        if (t - lastDraw < redrawMs && !last) return;
        lastDraw = t;
        const text = status(r);
        // A pseudo-terminal may report 0 columns.
        const columns = sink.columns && sink.columns >= 40 ? sink.columns : 100;
        const width = Math.max(10, Math.min(40, columns - text.length - 4));
        const filled = Math.round((width * r.images) / r.epochImages);
        const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
        sink.write(`\r\x1b[2K${bar} ${text}`.slice(0, columns + 5));
        barShown = true;
      } else {
        if (t - lastLine < lineEveryMs || last) return;
        lastLine = t;
        sink.write(`${status(r)}\n`);
      }
    },
    onEpochEnd(record) {
      lastEpochSeconds = record.seconds;
      clearBar();
      sink.write(`${formatEpoch(record, numEpochs)}\n`);
      lastLine = now();
    },
    onDownload(p) {
      const t = now();
      const done = p.totalBytes !== undefined &&
        p.receivedBytes >= p.totalBytes;
      const text = download(p);
      if (sink.isTerminal) {
        if (t - lastDraw < redrawMs && !done) return;
        lastDraw = t;
        sink.write(`\r\x1b[2K${text}${done ? "\n" : ""}`);
        barShown = !done;
      } else if (t - lastLine >= lineEveryMs || done) {
        lastLine = t;
        sink.write(`${text}\n`);
      }
    },
    finish() {
      clearBar();
    },
  };
}
