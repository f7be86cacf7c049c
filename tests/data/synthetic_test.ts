import assert from "node:assert/strict";
import { greyImages } from "../../lib/data/batches.ts";
import { kMeansPalette, nearestColourLabels } from "../../lib/data/palette.ts";
import { syntheticCategoryData } from "../../lib/data/synthetic.ts";

Deno.test("syntheticCategoryData() is deterministic, marked and CIFAR-shaped", async (t) => {
  const a = syntheticCategoryData({ trainCount: 30, valCount: 10, seed: 4 });
  await t.step("sizes, labels and the source say what it is", () => {
    assert.equal(a.train.count, 30);
    assert.equal(a.val.count, 10);
    assert.equal(a.train.images.length, 30 * 32 * 32 * 3);
    assert.deepEqual(Array.from(a.val.labels), Array(10).fill(7));
    assert.equal(a.source.synthetic, true);
    assert.equal(a.source.kind, "synthetic");
    assert.match(
      a.source.description,
      /SYNTHETIC data \(not CIFAR-10\): 30 training and 10 validation/,
    );
    assert.match(a.source.sha256, /^[0-9a-f]{64}$/);
  });
  await t.step("pixels are bytes / 256, like CIFAR-10", () => {
    assert.ok(
      a.train.images.every((v) => v >= 0 && v < 1 && Number.isInteger(v * 256)),
    );
  });
  await t.step("same seed, same images; another seed, other images", () => {
    const b = syntheticCategoryData({ trainCount: 30, valCount: 10, seed: 4 });
    const c = syntheticCategoryData({ trainCount: 30, valCount: 10, seed: 5 });
    assert.deepEqual(b.train.images, a.train.images);
    assert.equal(b.source.sha256, a.source.sha256);
    assert.notEqual(c.source.sha256, a.source.sha256);
    assert.notDeepEqual(
      c.train.images.subarray(0, 3072),
      a.train.images.subarray(0, 3072),
    );
  });
  await t.step("defaults: 1,000 training and 200 validation images", () => {
    const d = syntheticCategoryData();
    assert.equal(d.train.count, 1000);
    assert.equal(d.val.count, 200);
  });
  await t.step("bad counts", () => {
    assert.throws(
      () => syntheticCategoryData({ trainCount: 0 }),
      /trainCount must be a positive integer/,
    );
  });
});

Deno.test("synthetic colours can be learned from grey and position", () => {
  // A lookup table (grey level, row) -> most frequent palette label, fitted on
  // the training images, must beat the best constant guess on validation by far.
  const data = syntheticCategoryData({
    trainCount: 300,
    valCount: 100,
    seed: 1,
  });
  const palette = kMeansPalette(data.train.images, { numColours: 8, seed: 0 });
  const key = (grey: number, p: number) =>
    Math.floor(grey * 32) * 32 + Math.floor(p / 32) % 32;
  const votes = new Map<number, number[]>();
  const trainGrey = greyImages(data.train);
  const trainLabels = nearestColourLabels(data.train.images, palette);
  const overall = new Array(8).fill(0);
  trainLabels.forEach((label, p) => {
    const k = key(trainGrey[p], p);
    if (!votes.has(k)) votes.set(k, new Array(8).fill(0));
    votes.get(k)![label]++;
    overall[label]++;
  });
  const argmax = (v: number[]) => v.indexOf(Math.max(...v));
  const constant = argmax(overall);
  const valGrey = greyImages(data.val);
  const valLabels = nearestColourLabels(data.val.images, palette);
  let table = 0;
  let guess = 0;
  valLabels.forEach((label, p) => {
    const v = votes.get(key(valGrey[p], p));
    if (v && argmax(v) === label) table++;
    if (constant === label) guess++;
  });
  const n = valLabels.length;
  assert.ok(table / n > 0.8, `lookup accuracy ${table / n}`);
  assert.ok(
    table / n > guess / n + 0.3,
    `lookup ${table / n} vs constant ${guess / n}`,
  );
});
