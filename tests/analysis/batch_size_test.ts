import assert from "node:assert/strict";
import {
  type BatchSizeGroup,
  batchSizeRuns,
  type BatchSizeStudy,
  batchSizeStudy,
  lossByUpdates,
  updatesPerEpoch,
  valLossAtUpdates,
} from "../../lib/analysis/batch_size.ts";
import {
  batchSizeAnswer,
  batchSizeFindings,
  batchSizeHeadlines,
} from "../../lib/analysis/batch_size_findings.ts";
import {
  batchSizeDots,
  batchSizeRows,
  batchSizeUpdates,
} from "../../lib/analysis/batch_size_views.ts";
import { seedGroup, spread } from "../../lib/analysis/seeds.ts";
import { initTf } from "../../lib/backend.ts";
import { fakeRun, history, testHorses } from "./study_runs.ts";

await initTf();

Deno.test("the sweep's runs: every batch size with each of its seeds", () => {
  const runs = batchSizeRuns({
    model: "unet",
    learningRate: 0.001,
    numEpochs: 25,
    batchSizes: [{ batchSize: 10, seeds: [0] }, {
      batchSize: 50,
      seeds: [0, 1, 2],
    }],
  });
  assert.deepEqual(runs.map((r) => [r.batchSize, r.seed]), [
    [10, 0],
    [50, 0],
    [50, 1],
    [50, 2],
  ]);
  assert.ok(runs.every((r) => r.model === "unet" && r.numEpochs === 25));
});

Deno.test("updates: per epoch, against epochs, at a fixed count", () => {
  assert.equal(updatesPerEpoch(120, 50), 3); // the partial batch counts
  assert.equal(updatesPerEpoch(100, 50), 2);
  const h = history(1.8, 1.2, { epochs: 3 }); // 1.8, 1.5, 1.2
  assert.deepEqual(lossByUpdates(h, 12).map((p) => p.x), [12, 24, 36]);
  assert.equal(valLossAtUpdates(h, 12, 24), 1.5);
  assert.ok(Math.abs(valLossAtUpdates(h, 12, 18) - 1.65) < 1e-12);
  assert.ok(Number.isNaN(valLossAtUpdates(h, 12, 100))); // more than it made
  assert.ok(Number.isNaN(valLossAtUpdates(h, 12, 5))); // less than one epoch
});

/** A study measured on runs (untrained models, made-up histories). */
async function studyFromRuns(): Promise<BatchSizeStudy> {
  const horses = testHorses(); // 12 training images
  const runs = [
    fakeRun({ model: "unet", batchSize: 4, seed: 0 }, history(2.2, 1.611)),
    fakeRun({ model: "unet", batchSize: 6, seed: 0 }, history(2.3, 1.702)),
    fakeRun({ model: "unet", batchSize: 6, seed: 1 }, history(2.3, 1.744)),
    fakeRun({ model: "unet", batchSize: 12, seed: 0 }, history(2.4, 1.833)),
    fakeRun({ model: "unet", batchSize: 12, seed: 1 }, history(2.4, 1.877)),
  ];
  try {
    return await batchSizeStudy(runs, horses);
  } finally {
    runs.forEach((r) => r.model.dispose());
  }
}

/** A hand-made study, full-size numbers: val loss rising with the batch size. */
function fixture(
  finals: Record<number, number[]>,
  opts: { atUpdates?: Record<number, number> } = {},
): BatchSizeStudy {
  const trainImages = 5000;
  const groups: BatchSizeGroup[] = Object.entries(finals).map(
    ([b, vals], i) => {
      const batchSize = Number(b);
      const g = seedGroup(
        `batch ${batchSize}`,
        vals.map((v, seed) => ({
          seed,
          history: history(2.1, v, { epochs: 25, seconds: 11 + i }),
        })),
      );
      const at = opts.atUpdates?.[batchSize];
      return {
        ...g,
        batchSize,
        updatesPerEpoch: updatesPerEpoch(trainImages, batchSize),
        bestEpoch: 25,
        bestValLoss: g.final.valLoss.mean,
        atCommonUpdates: at === undefined ? spread([]) : spread([at]),
        firstSeed: { seed: 0, run: i, predictedNearGrey: 0.7 + 0.01 * i },
      };
    },
  );
  return {
    model: "unet",
    learningRate: 0.001,
    numEpochs: 25,
    trainImages,
    valImages: 102,
    synthetic: false,
    groups,
    commonUpdates: 250,
    trueNearGrey: 0.668,
    nearGreyChroma: 0.178,
  };
}

const FULL = fixture({
  10: [1.254],
  50: [1.313, 1.345, 1.366],
  100: [1.350, 1.392, 1.419],
  200: [1.442, 1.456, 1.468],
  500: [1.505],
}, { atUpdates: { 25: 1.643, 50: 1.617, 100: 1.583, 200: 1.534, 500: 1.505 } });

Deno.test("batch-size study measured on runs", async () => {
  const s = await studyFromRuns();
  assert.deepEqual(s.groups.map((g) => g.batchSize), [4, 6, 12]);
  assert.equal(s.trainImages, 12);
  assert.equal(s.valImages, 4);
  const [b4, b6, b12] = s.groups;
  assert.deepEqual(b6.seeds, [0, 1]);
  assert.ok(Math.abs(b6.final.valLoss.mean - 1.723) < 1e-12);
  assert.equal(b6.final.valLoss.min, 1.702);
  assert.deepEqual([b4.updatesPerEpoch, b6.updatesPerEpoch], [3, 2]);
  // batch 12: 1 update per epoch, 4 epochs: 4 updates in all
  assert.equal(s.commonUpdates, 4);
  assert.equal(b12.atCommonUpdates.mean, b12.final.valLoss.mean);
  // batch 4: 3 updates per epoch, so 4 updates fall inside epoch 2
  assert.equal(
    b4.atCommonUpdates.mean,
    valLossAtUpdates(history(2.2, 1.611), 3, 4),
  );
  assert.equal(b4.bestEpoch, 4);
  assert.equal(b6.firstSeed.run, 1);
  assert.ok(b4.firstSeed.predictedNearGrey >= 0);
  assert.ok(s.trueNearGrey > 0 && s.trueNearGrey <= 1);
});

Deno.test("findings from two studies carry each one's own numbers", async () => {
  const quick = await studyFromRuns();
  for (const [mine, other] of [[quick, FULL], [FULL, quick]]) {
    const text = batchSizeAnswer(mine) + batchSizeFindings(mine);
    for (const g of mine.groups) {
      assert.ok(text.includes(g.final.valLoss.mean.toFixed(3)));
    }
    for (const g of other.groups) {
      const v = g.final.valLoss.mean.toFixed(3);
      assert.ok(!text.includes(v), `${v} of the other study in ${text}`);
    }
    assert.ok(text.includes(`${mine.trainImages} training`));
  }
  const rows = batchSizeRows(FULL);
  assert.equal(rows[1]["final val loss"], "1.341 (1.313-1.366)");
  assert.equal(rows[0]["final val loss"], "1.254");
  const headline = batchSizeHeadlines(FULL)[0];
  assert.match(headline.question, /batch 10, 50, 100, 200, 500 at 25 epochs/);
});

Deno.test("the wording follows the direction of each result", () => {
  const up = batchSizeAnswer(FULL) + batchSizeFindings(FULL);
  assert.match(up, /smaller batches end lower in both training and validation/);
  assert.match(up, /The means rise with every larger batch/);
  assert.match(up, /50 against 100: the seed ranges overlap/);
  assert.match(up, /100 against 200: apart for every seed \(100 is lower\)/);
  assert.match(up, /the order is reversed/);
  assert.match(up, /one seed \(10, 500\) have no measured spread/);
  assert.match(up, /batch 10 makes 12,500 updates, batch 500 makes 250/);
  assert.match(up, /Still at their lowest in the last epoch: batch 10, 50/);
  assert.match(
    up,
    /does not fall in order of batch size: the slowest is batch 500/,
  );
  assert.match(up, /differ by up to 0\.0%/);
  // predicted near-grey 70-74% against the truth's 66.8%
  assert.match(up, /Furthest from the truth: batch 500 \(74\.0%\), greyer/);

  const down = fixture({
    10: [1.505],
    50: [1.442, 1.456, 1.468],
    100: [1.371, 1.392, 1.419],
    500: [1.254],
  }, { atUpdates: { 50: 1.5, 100: 1.55, 500: 1.6 } });
  down.groups[0].bestEpoch = 18;
  down.groups[0].bestValLoss = 1.481;
  down.groups.forEach((g, i) => {
    g.secondsPerEpoch = spread(i === 1 ? [12.2, 13.4] : [13 - i]);
    g.firstSeed.predictedNearGrey = 0.6 - 0.01 * i;
  });
  const text = batchSizeAnswer(down) + batchSizeFindings(down);
  assert.match(
    text,
    /batch 10's mean validation loss was lowest at epoch 18 \(1\.481\) and ends at 1\.505/,
  );
  assert.match(text, /It falls with every larger batch: batch 10 takes/);
  assert.match(text, /differ by up to 9\.4% \(batch 50: 12\.2-13\.4 s\)/);
  assert.match(text, /batch 500 \(57\.0%\), more colourful than the truth/);
  assert.match(text, /smaller batches do not end lower/);
  assert.match(text, /The means do not rise in order/);
  assert.match(text, /50 against 100: apart for every seed \(50 is higher\)/);
  assert.match(text, /not ahead in order even per update/);
  assert.doesNotMatch(text, /order is reversed/);
});

Deno.test("at a fixed number of updates, overlapping seed ranges are said", () => {
  assert.doesNotMatch(batchSizeAnswer(FULL), /within the seed spread\)/);
  const close = structuredClone(FULL);
  close.groups[1].atCommonUpdates = spread([1.586, 1.617, 1.646]); // batch 50
  close.groups[2].atCommonUpdates = spread([1.569, 1.579, 1.596]); // batch 100
  for (const text of [batchSizeAnswer(close), batchSizeFindings(close)]) {
    assert.match(text, /\(between 50 and 100 within the seed spread\)/);
  }
});

Deno.test("figure data: one value per seed, the zoomed axis covers the late epochs", () => {
  const [train, val] = batchSizeDots(FULL);
  assert.match(train.title, /training loss after epoch 25/);
  assert.deepEqual(val.rows[1].values, [1.313, 1.345, 1.366]);
  assert.equal(new Set(val.rows.map((r) => r.colour)).size, 5);
  const u = batchSizeUpdates(FULL);
  assert.equal(u.axes.xRule, 250);
  const late = u.points.filter((p) => p.series === "batch 500").at(-1)!;
  assert.ok(late.y >= u.axes.yDomain[0] && late.y <= u.axes.yDomain[1]);
  assert.ok(u.axes.yDomain[1] < 2.1); // the first epochs (2.1) are cut
});
