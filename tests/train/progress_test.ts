import assert from "node:assert/strict";
import {
  estimateRemaining,
  formatDuration,
  formatEpoch,
  progressReporter,
} from "../../lib/train/progress.ts";
import type { BatchReport, EpochRecord } from "../../lib/train/types.ts";

function batch(batchNo: number, epoch = 1, seconds = batchNo): BatchReport {
  return {
    epoch,
    numEpochs: 3,
    batch: batchNo,
    batchesPerEpoch: 4,
    loss: 2.5,
    images: 25 * batchNo,
    epochImages: 100,
    epochSeconds: seconds,
  };
}

const RECORD: EpochRecord = {
  epoch: 1,
  trainLoss: 2.25,
  valLoss: 2.5,
  valAccuracy: 0.375,
  seconds: 5,
  imagesPerSecond: 25,
};

Deno.test("progress reporting", async (t) => {
  await t.step("durations and epoch lines", () => {
    assert.equal(formatDuration(42.4), "42s");
    assert.equal(formatDuration(187), "3m07s");
    assert.equal(formatDuration(3720), "1h02m");
    assert.equal(
      formatEpoch(RECORD, 3),
      "epoch 1/3: train loss 2.2500, val loss 2.5000, val accuracy 37.5%, 5.0 s, 25.0 images/s",
    );
  });

  await t.step("ETA: rest of this epoch plus the remaining epochs", () => {
    // 50 of 100 images in 2 s: 2 s left in epoch 1; then 2 epochs of 4 s (this pace) or 5 s (last epoch).
    assert.equal(estimateRemaining(batch(2, 1, 2)), 2 + 2 * 4);
    assert.equal(estimateRemaining(batch(2, 1, 2), 5), 2 + 2 * 5);
  });

  await t.step(
    "a terminal gets one bar redrawn in place, then the epoch line",
    () => {
      let text = "";
      let clock = 0;
      const r = progressReporter({
        write: (s) => (text += s),
        isTerminal: true,
        columns: 120,
      }, {
        now: () => clock,
      });
      for (let b = 1; b <= 4; b++) {
        clock += 1000;
        r.onBatchEnd(batch(b));
      }
      r.onEpochEnd(RECORD);
      const lines = text.split("\n");
      assert.equal(lines.length, 2); // no newline until the epoch ends
      const frames = lines[0].split("\r\x1b[2K");
      assert.match(
        frames[1],
        /^\[#+-*\] epoch 1\/3 batch 1\/4 loss 2\.5000 25\.0 img\/s ETA \d/,
      );
      assert.match(lines[0], /\[#{40}\] epoch 1\/3 batch 4\/4/);
      assert.ok(
        lines[0].endsWith(
          "\r\x1b[2Kepoch 1/3: train loss 2.2500, val loss 2.5000, val accuracy 37.5%, 5.0 s, 25.0 images/s",
        ),
      );
    },
  );

  await t.step("elsewhere: plain lines, at most one per interval", () => {
    const lines: string[] = [];
    let clock = 0;
    const r = progressReporter({
      write: (s) => lines.push(s),
      isTerminal: false,
    }, {
      now: () => clock,
      lineEveryMs: 2000,
    });
    for (let b = 1; b <= 4; b++) {
      clock += 1000;
      r.onBatchEnd(batch(b));
    }
    r.onEpochEnd(RECORD);
    assert.ok(lines.every((l) => l.endsWith("\n") && !l.includes("\r")));
    assert.deepEqual(lines.map((l) => l.split(" loss")[0]), [
      "epoch 1/3 batch 1/4",
      "epoch 1/3 batch 3/4",
      "epoch 1/3: train",
    ]);
  });

  await t.step("download progress: bar, bytes and rate", () => {
    const lines: string[] = [];
    let clock = 0;
    const r = progressReporter({
      write: (s) => lines.push(s),
      isTerminal: false,
    }, { now: () => clock });
    const at = (receivedBytes: number) => ({
      receivedBytes,
      totalBytes: 4e6,
      resumedFromBytes: 0,
      attempt: 1,
    });
    r.onDownload(at(1e6));
    clock = 1000;
    r.onDownload(at(2e6));
    clock = 2000;
    r.onDownload(at(4e6));
    assert.deepEqual(lines, [
      "downloading [#####---------------] 1.0 of 4.0 MB (25%)\n",
      "downloading [####################] 4.0 of 4.0 MB (100%), 1.5 MB/s, 0s left\n",
    ]);
  });
});
