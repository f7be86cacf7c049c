import assert from "node:assert/strict";
import { syntheticShapes } from "../../lib/finetune/synthetic_shapes.ts";

Deno.test("syntheticShapes() is seeded, labelled synthetic, with non-trivial masks", () => {
  const a = syntheticShapes({ size: 16, numTrain: 5, numTest: 2, seed: 7 });
  const b = syntheticShapes({ size: 16, numTrain: 5, numTest: 2, seed: 7 });
  const c = syntheticShapes({ size: 16, numTrain: 5, numTest: 2, seed: 8 });
  assert.deepEqual(a.train.images, b.train.images);
  assert.notDeepEqual(a.train.images, c.train.images);
  assert.equal(a.source.synthetic, true);
  assert.match(a.source.description, /SYNTHETIC/);
  for (let i = 0; i < 5; i++) {
    const share =
      a.train.masks.subarray(i * 256, (i + 1) * 256).reduce((s, v) =>
        s + v, 0) / 256;
    assert.ok(share > 0.03 && share < 0.6, `image ${i}: horse share ${share}`);
  }
  // The mask is the figure: darker on average than its background.
  for (let i = 0; i < 5; i++) {
    let fg = 0, bg = 0, nf = 0;
    for (let p = 0; p < 256; p++) {
      const o = (i * 256 + p) * 3;
      const grey =
        (a.train.images[o] + a.train.images[o + 1] + a.train.images[o + 2]) / 3;
      if (a.train.masks[i * 256 + p]) {
        fg += grey;
        nf++;
      } else bg += grey;
    }
    assert.ok(fg / nf < bg / (256 - nf), `image ${i}`);
  }
});
