import assert from "node:assert/strict";
import { greyImages, limitImageSet } from "../../lib/data/batches.ts";
import type { ImageSet } from "../../lib/data/types.ts";

const set: ImageSet = {
  images: Float32Array.from(
    { length: 3 * 2 * 2 * 3 },
    (_, i) => ((i * 37) % 256) / 256,
  ),
  labels: Uint8Array.from([7, 7, 7]),
  count: 3,
  height: 2,
  width: 2,
};

Deno.test("greyImages() is the unweighted mean of R, G and B", () => {
  const grey = greyImages(set);
  assert.equal(grey.length, 3 * 2 * 2);
  for (let p = 0; p < grey.length; p++) {
    const [r, g, b] = set.images.subarray(p * 3, p * 3 + 3);
    assert.ok(Math.abs(grey[p] - (r + g + b) / 3) < 1e-7, `pixel ${p}`);
  }
});

Deno.test("limitImageSet() keeps the first images", async (t) => {
  await t.step("a limit below the size: a view of the first images", () => {
    const two = limitImageSet(set, 2);
    assert.equal(two.count, 2);
    assert.deepEqual(two.images, set.images.subarray(0, 24));
    assert.equal(two.labels.length, 2);
    assert.equal(two.images.buffer, set.images.buffer, "no copy");
  });
  await t.step("no limit, or one at least the size: the set itself", () => {
    assert.equal(limitImageSet(set), set);
    assert.equal(limitImageSet(set, 3), set);
    assert.equal(limitImageSet(set, 99), set);
  });
  await t.step("a limit that is not a positive integer", () => {
    assert.throws(() => limitImageSet(set, 0), /positive integer/);
    assert.throws(() => limitImageSet(set, 1.5), /positive integer/);
  });
});
