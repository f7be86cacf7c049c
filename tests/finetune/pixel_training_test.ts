import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import {
  balancedClassWeights,
  gatherBatch,
  weightedPixelCrossEntropy,
} from "../../lib/finetune/pixel_training.ts";
import { pixelCrossEntropy } from "../../lib/train/loss.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("balancedClassWeights() by hand", () => {
  // 1 horse pixel in 4: weights 4 / (2 * 3) and 4 / (2 * 1).
  assert.deepEqual(balancedClassWeights(new Uint8Array([0, 0, 1, 0]), 2), [
    2 / 3,
    2,
  ]);
  assert.deepEqual(balancedClassWeights(new Uint8Array([0, 0]), 2), [0.5, 0]);
});

Deno.test({
  ...opts,
  name:
    "weightedPixelCrossEntropy(): plain mean with unit weights, weighted mean by hand",
  fn: async () => {
    await initTf();
    const logits = tf.tensor4d([2, 0, 0, 1, 1, 1, -1, 3], [1, 2, 2, 2]);
    const labels = tf.tensor3d([0, 1, 1, 0], [1, 2, 2], "int32");
    const plain = (await pixelCrossEntropy(logits, labels).data())[0];
    const unit =
      (await weightedPixelCrossEntropy(logits, labels, [1, 1]).data())[0];
    assert.ok(Math.abs(plain - unit) < 1e-6);
    const ce = [
      Math.log(1 + Math.exp(-2)), // label 0, logits (2, 0)
      Math.log(1 + Math.exp(-1)), // label 1, logits (0, 1)
      Math.log(2), // label 1, logits (1, 1)
      Math.log(1 + Math.exp(4)), // label 0, logits (-1, 3)
    ];
    const w = [1, 3];
    const expected =
      (ce[0] * w[0] + ce[1] * w[1] + ce[2] * w[1] + ce[3] * w[0]) /
      (w[0] + 2 * w[1] + w[0]);
    const got = (await weightedPixelCrossEntropy(logits, labels, w).data())[0];
    assert.ok(Math.abs(got - expected) < 1e-5, `${got} vs ${expected}`);
    tf.dispose([logits, labels]);
  },
});

Deno.test({
  ...opts,
  name: "gatherBatch() copies the chosen rows",
  fn: async () => {
    await initTf();
    const data = {
      inputs: Float32Array.from({ length: 3 * 4 }, (_, i) => i),
      labels: Uint8Array.from({ length: 3 * 4 }, (_, i) => i % 2),
      count: 3,
      height: 2,
      width: 2,
      channels: 1,
    };
    const { xs, ys } = gatherBatch(data, [2, 0]);
    assert.deepEqual(Array.from(await xs.data()), [8, 9, 10, 11, 0, 1, 2, 3]);
    assert.deepEqual(ys.shape, [2, 2, 2]);
    tf.dispose([xs, ys]);
  },
});
