import assert from "node:assert/strict";
import type { DownloadProgress } from "../../lib/data/download.ts";
import {
  downloadProgressBar,
  formatDownload,
} from "../../lib/data/download_progress.ts";

const at = (
  receivedBytes: number,
  attempt = 1,
  resumedFromBytes = 0,
): DownloadProgress => ({
  receivedBytes,
  totalBytes: 162e6,
  resumedFromBytes,
  attempt,
});

Deno.test("formatDownload(): bar, bytes, rate, time left, resume point", () => {
  assert.equal(
    formatDownload(at(81e6, 2, 80e6), 4e6),
    "downloading [##########----------] 81.0 of 162.0 MB (50%), 4.0 MB/s, 21s left, resumed at 80.0 MB",
  );
  assert.equal(
    formatDownload({ receivedBytes: 5e5, resumedFromBytes: 0, attempt: 1 }, 0),
    "downloading 0.5 MB",
  );
});

Deno.test("downloadProgressBar() redraws in place on a terminal", () => {
  const out: string[] = [];
  let clock = 0;
  const bar = downloadProgressBar(
    { write: (s) => out.push(s), isTerminal: true },
    { now: () => clock, redrawMs: 100 },
  );
  bar.onProgress(at(0));
  clock = 50;
  bar.onProgress(at(1e6)); // too soon: not drawn
  clock = 1000;
  bar.onProgress(at(8e6));
  bar.onProgress(at(8e6, 2, 8e6)); // the retry after a cut starts a new line
  bar.finish();
  bar.finish(); // once is enough
  assert.equal(out.length, 5);
  assert.ok(out[0].startsWith("\r\x1b[2Kdownloading [---"));
  assert.match(out[1], /8\.0 of 162\.0 MB \(5%\), 8\.0 MB\/s, 20s left$/);
  assert.equal(out[2], "\n");
  assert.match(out[3], /resumed at 8\.0 MB$/);
  assert.equal(out[4], "\n");
});

Deno.test("downloadProgressBar() writes whole lines to a log, now and then", () => {
  const out: string[] = [];
  let clock = 0;
  const bar = downloadProgressBar(
    { write: (s) => out.push(s), isTerminal: false },
    { now: () => clock, lineEveryMs: 10_000 },
  );
  for (let mb = 0; mb <= 162; mb += 1) {
    clock = mb * 100; // 10 MB/s
    bar.onProgress(at(mb * 1e6));
  }
  bar.finish();
  assert.ok(out.every((l) => l.endsWith("\n") && !l.includes("\r")));
  assert.equal(out.length, 3); // at 0, at 10 s, and the end
  assert.match(out[2], /162\.0 of 162\.0 MB \(100%\), 10\.0 MB\/s, 0s left/);
});
