import assert from "node:assert/strict";
import {
  compareLogits,
  LOGIT_TOLERANCE,
} from "../../lib/report/live_compare.ts";

// 3 pixels, 3 classes; max |logit| 10, so the tolerance is 1e-3.
const deno = Float32Array.from([
  10,
  1,
  0, // clear: label 0
  2,
  2 + 5e-4,
  0, // a tie within the tolerance: either label
  -1,
  3,
  2.99, // decided by 0.01: label 1
]);
const labels = [0, 1, 1];

Deno.test("compareLogits(): the rule of the live page's check", async (t) => {
  await t.step("the same logits agree", () => {
    const a = compareLogits({ logits: deno, labels }, deno, 3);
    assert.equal(a.tolerance, LOGIT_TOLERANCE * 10);
    assert.deepEqual(
      [a.pixels, a.decided, a.labelMismatches, a.maxAbsDiff, a.ok],
      [3, 2, 0, 0, true],
    );
  });
  await t.step("a tied pixel may take either label", () => {
    const a = compareLogits({ logits: deno, labels: [0, 0, 1] }, deno, 3);
    assert.equal(a.ok, true);
  });
  await t.step("a decided pixel's label must match", () => {
    const a = compareLogits({ logits: deno, labels: [0, 1, 2] }, deno, 3);
    assert.deepEqual([a.labelMismatches, a.ok], [1, false]);
  });
  await t.step("a logit beyond the tolerance fails", () => {
    const off = Float32Array.from(deno);
    off[4] += 2e-3;
    const a = compareLogits({ logits: off, labels }, deno, 3);
    assert.equal(a.ok, false);
    assert.ok(Math.abs(a.maxAbsDiff - 2e-3) < 1e-6);
  });
  await t.step("a different number of logits is an error", () => {
    assert.throws(
      () => compareLogits({ logits: [1, 2], labels: [1] }, deno, 3),
      /the browser gave 2 logits, Deno 9/,
    );
  });
});
