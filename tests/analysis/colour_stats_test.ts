import assert from "node:assert/strict";
import {
  accuracy,
  colourfulness,
  colourUsage,
  greyBin,
  greyishEvidence,
  greyLevelBaseline,
  labelFrequencies,
  mostFrequentColourBaseline,
  perColourRecall,
} from "../../lib/analysis/colour_stats.ts";

Deno.test("colour_stats baselines on hand-made labels", async (t) => {
  await t.step("labelFrequencies sums to 1 and counts each colour", () => {
    const f = labelFrequencies([0, 1, 1, 3], 4);
    assert.deepEqual(Array.from(f), [0.25, 0.5, 0, 0.25]);
  });

  await t.step("most frequent training colour, scored on validation", () => {
    const b = mostFrequentColourBaseline([2, 2, 2, 0, 1], [2, 0, 0, 0], 3);
    assert.equal(b.colour, 2);
    assert.equal(b.trainAccuracy, 3 / 5);
    assert.equal(b.valAccuracy, 1 / 4);
  });

  await t.step("per-grey-level baseline learns a grey -> colour map", () => {
    // dark pixels are colour 1, bright ones colour 2; one odd dark pixel
    const trainGrey = [0.1, 0.1, 0.1, 0.9, 0.9, 0.5];
    const trainLabels = [1, 1, 0, 2, 2, 0];
    const valGrey = [0.1, 0.9, 0.9, 0.3];
    const valLabels = [1, 2, 1, 2];
    const b = greyLevelBaseline({
      trainGrey,
      trainLabels,
      valGrey,
      valLabels,
      numColours: 3,
      bins: 10,
    });
    assert.equal(b.colourOfBin[greyBin(0.1, 10)], 1);
    assert.equal(b.colourOfBin[greyBin(0.9, 10)], 2);
    assert.equal(b.trainAccuracy, 5 / 6);
    // 0.3 was never seen: falls back to the most frequent colour overall
    const fallback = mostFrequentColourBaseline(trainLabels, [], 3).colour;
    assert.equal(b.colourOfBin[greyBin(0.3, 10)], fallback);
    const expected = [1, 2, 2, fallback].filter((c, i) =>
      c === valLabels[i]
    ).length / 4;
    assert.equal(b.valAccuracy, expected);
  });

  await t.step("grey bins clamp to the range", () => {
    assert.equal(greyBin(-0.1, 256), 0);
    assert.equal(greyBin(0.99999, 256), 255);
    assert.equal(greyBin(1.5, 256), 255);
  });

  await t.step("recall and accuracy", () => {
    const labels = [0, 0, 1, 1, 1, 2];
    const preds = [0, 1, 1, 1, 0, 0];
    assert.equal(accuracy(labels, preds), 3 / 6);
    const r = perColourRecall(labels, preds, 4);
    assert.equal(r[0], 1 / 2);
    assert.equal(r[1], 2 / 3);
    assert.equal(r[2], 0);
    assert.ok(Number.isNaN(r[3]));
    assert.throws(() => accuracy([1, 2], [1]));
  });
});

Deno.test("colour_stats greyish evidence", async (t) => {
  await t.step("colourfulness of grey vs saturated colours", () => {
    assert.deepEqual(colourfulness(0.5, 0.5, 0.5), {
      saturation: 0,
      chroma: 0,
    });
    const red = colourfulness(0.8, 0.2, 0.2);
    assert.ok(Math.abs(red.chroma - 0.6) < 1e-12);
    assert.ok(Math.abs(red.saturation - 0.75) < 1e-12);
  });

  await t.step(
    "predictions that collapse onto grey colours are flagged",
    () => {
      // palette: 0 grey, 1 light grey, 2 red, 3 blue
      const palette = new Float32Array([
        0.5,
        0.5,
        0.5,
        0.7,
        0.7,
        0.72,
        0.9,
        0.1,
        0.1,
        0.1,
        0.1,
        0.9,
      ]);
      const valLabels = [0, 1, 2, 3, 2, 3];
      const predictions = [0, 1, 0, 1, 2, 0];
      const usage = colourUsage({
        palette,
        trainLabels: valLabels,
        valLabels,
        predictions,
      });
      assert.equal(usage.length, 4);
      assert.equal(usage[2].hex, "#e61a1a");
      assert.equal(usage[0].predictedShare, 3 / 6);
      assert.equal(usage[2].recall, 1 / 2);
      const e = greyishEvidence(usage);
      assert.ok(Math.abs(e.trueLowChromaShare - 2 / 6) < 1e-12);
      assert.ok(Math.abs(e.predictedLowChromaShare - 5 / 6) < 1e-12);
      assert.ok(e.predictedMeanChroma < e.trueMeanChroma);
      assert.equal(e.lowChromaRecall, 1);
      assert.equal(e.highChromaRecall, 0.25);
    },
  );
});
