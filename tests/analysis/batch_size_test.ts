import assert from "node:assert/strict";
import {
  averageCurve,
  commonUpdates,
  finalEpochTable,
  fixedUpdatesRows,
  lossByUpdates,
  spread,
  type SweepRun,
  updatesPerEpoch,
  valLossAtUpdates,
} from "../../lib/analysis/batch_size.ts";
import type { EpochRecord } from "../../lib/train/types.ts";

function history(valLosses: number[], seconds = 2): EpochRecord[] {
  return valLosses.map((v, i) => ({
    epoch: i + 1,
    trainLoss: v - 0.1,
    valLoss: v,
    valAccuracy: 1 - v / 4,
    seconds,
    imagesPerSecond: 100 / seconds,
  }));
}

Deno.test("batch-size summaries", async (t) => {
  const runs: SweepRun[] = [
    {
      batchSize: 50,
      seed: 0,
      trainImages: 120,
      history: history([2, 1.5, 1.4]),
    },
    {
      batchSize: 50,
      seed: 1,
      trainImages: 120,
      history: history([2.2, 1.7, 1.6]),
    },
    {
      batchSize: 10,
      seed: 0,
      trainImages: 120,
      history: history([1.8, 1.2, 1.3], 4),
    },
  ];

  await t.step("updates per epoch count the partial batch", () => {
    assert.equal(updatesPerEpoch(120, 50), 3);
    assert.equal(updatesPerEpoch(100, 50), 2);
  });

  await t.step("spread and average curves", () => {
    assert.deepEqual(spread([1, 3]), { mean: 2, min: 1, max: 3, n: 2 });
    assert.equal(spread([]).n, 0);
    assert.deepEqual(averageCurve([[1, 2, 3], [3, 4]]), [2, 3]);
  });

  await t.step(
    "final-epoch table: sorted by batch size, spread over seeds",
    () => {
      const table = finalEpochTable(runs);
      assert.deepEqual(table.map((r) => r.batchSize), [10, 50]);
      const [b10, b50] = table;
      assert.equal(b50.seeds, 2);
      assert.ok(Math.abs(b50.valLoss.mean - 1.5) < 1e-12);
      assert.equal(b50.valLoss.min, 1.4);
      assert.equal(b50.valLoss.max, 1.6);
      assert.equal(b10.bestEpoch, 2);
      assert.equal(b10.bestValLoss, 1.2);
      assert.equal(b10.secondsPerEpoch, 4);
      assert.equal(b10.updatesPerEpoch, 12);
    },
  );

  await t.step("the common number of updates and the loss there", () => {
    // 120 images: batch 50 -> 3 updates x 3 epochs = 9; batch 10 -> 36
    assert.equal(commonUpdates(runs), 9);
    const rows = fixedUpdatesRows(runs, 9);
    assert.equal(rows[0]["batch size"], 10);
    assert.equal(
      rows[0]["val loss after 9 updates"],
      "- (one epoch is more updates)",
    );
    assert.equal(rows[1]["val loss after 9 updates"], 1.5); // mean of 1.4 and 1.6
    assert.equal(rows[1]["epochs for this many updates"], 3);
  });

  await t.step("loss against updates, and at a fixed number of updates", () => {
    assert.deepEqual(lossByUpdates(runs[2]).map((p) => p.x), [12, 24, 36]);
    assert.equal(valLossAtUpdates(runs[2], 24), 1.2);
    assert.ok(Math.abs(valLossAtUpdates(runs[2], 18) - 1.5) < 1e-12);
    assert.ok(Number.isNaN(valLossAtUpdates(runs[0], 100)));
    assert.ok(Number.isNaN(valLossAtUpdates(runs[2], 5)));
  });
});
