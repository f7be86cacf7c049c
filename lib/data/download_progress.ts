/**
 * How a download shows its progress: a bar with bytes, rate and time left,
 * redrawn in place on a terminal, or a plain line now and then in a log.
 *
 * @module
 */
import type { DownloadProgress } from "./download.ts";

/** Where the progress goes: stderr, or anything that takes text. */
export interface ProgressSink {
  write(text: string): void;
  /** Redraw in place (a terminal), or write whole lines (a log). */
  isTerminal: boolean;
}

/**
 * A function of each progress report that returns the line to show:
 * `[#########-----------] 81.2 of 162.2 MB (50%), 4.1 MB/s, 20s left`, the
 * rate measured over this attempt's own bytes (a resumed download says from
 * where it resumed).
 */
export function downloadMeter(
  now: () => number = () => performance.now(),
): (p: DownloadProgress) => string {
  let start: { at: number; bytes: number; attempt: number } | undefined;
  return (p) => {
    const t = now();
    if (!start || start.attempt !== p.attempt) {
      start = { at: t, bytes: p.receivedBytes, attempt: p.attempt };
    }
    const seconds = (t - start.at) / 1000;
    const rate = seconds > 0.2 ? (p.receivedBytes - start.bytes) / seconds : 0;
    return formatDownload(p, rate);
  };
}

/** One progress line for `p` at `bytesPerSecond` (0: not known yet). */
export function formatDownload(
  p: DownloadProgress,
  bytesPerSecond: number,
): string {
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const parts: string[] = [];
  if (p.totalBytes) {
    const share = Math.min(1, p.receivedBytes / p.totalBytes);
    const filled = Math.round(share * 20);
    parts.push(
      `[${"#".repeat(filled)}${"-".repeat(20 - filled)}] ${
        mb(p.receivedBytes)
      } of ${mb(p.totalBytes)} MB (${(100 * share).toFixed(0)}%)`,
    );
  } else {
    parts.push(`${mb(p.receivedBytes)} MB`);
  }
  if (bytesPerSecond > 0) {
    parts.push(`${mb(bytesPerSecond)} MB/s`);
    if (p.totalBytes) {
      const left = (p.totalBytes - p.receivedBytes) / bytesPerSecond;
      parts.push(`${Math.ceil(left)}s left`);
    }
  }
  if (p.resumedFromBytes > 0) {
    parts.push(`resumed at ${mb(p.resumedFromBytes)} MB`);
  }
  return `downloading ${parts.join(", ")}`;
}

/** What {@link downloadProgressBar} returns. */
export interface DownloadBar {
  /** The download's `onProgress`. */
  onProgress(p: DownloadProgress): void;
  /** Ends a bar left on screen by a download that stopped (call once). */
  finish(): void;
}

/**
 * Draws the bar on a terminal (at most every `redrawMs`, and at the end of
 * each attempt) or writes a line every `lineEveryMs` to a log.
 */
export function downloadProgressBar(
  sink: ProgressSink,
  opts: { now?: () => number; redrawMs?: number; lineEveryMs?: number } = {},
): DownloadBar {
  const now = opts.now ?? (() => performance.now());
  const meter = downloadMeter(now);
  let last = -Infinity;
  let attempt = 0;
  let shown = false; // a bar without its newline is on screen
  const finish = () => {
    if (shown) sink.write("\n");
    shown = false;
  };
  return {
    onProgress(p) {
      const text = meter(p);
      const t = now();
      const done = p.totalBytes !== undefined &&
        p.receivedBytes >= p.totalBytes;
      const every = sink.isTerminal
        ? opts.redrawMs ?? 200
        : opts.lineEveryMs ?? 10_000;
      if (p.attempt !== attempt) finish(); // a retry starts its own line
      else if (t - last < every && !done) return;
      attempt = p.attempt;
      last = t;
      if (!sink.isTerminal) return sink.write(`${text}\n`);
      sink.write(`\r\x1b[2K${text}`);
      shown = true;
      if (done) finish();
    },
    finish,
  };
}
