import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import {
  buildDeepLab,
  HEAD_NAME,
  replaceHead,
} from "../../lib/finetune/deeplab.ts";
import {
  FINE_TUNE_DEFAULTS,
  fineTuneLastLayer,
  runVariant,
  segmentationDataset,
} from "../../lib/finetune/fine_tune.ts";
import { compareVariants } from "../../lib/finetune/experiment.ts";
import { syntheticShapes } from "../../lib/finetune/synthetic_shapes.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

function snapshot(model: tf.LayersModel): Map<string, number[]> {
  return new Map(
    model.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]),
  );
}

Deno.test({
  ...opts,
  name: "fineTuneLastLayer() changes only the new layer's weights",
  fn: async () => {
    await initTf();
    const data = syntheticShapes({
      size: 12,
      numTrain: 8,
      numTest: 4,
      seed: 1,
    });
    const pre = buildDeepLab({
      numBlocks: 2,
      numClasses: 5,
      numFilters: 4,
      seed: 2,
    });
    const model = replaceHead(pre, { numClasses: 2, seed: 3 });
    const before = snapshot(model);
    const history = await fineTuneLastLayer(
      model,
      segmentationDataset(data.train),
      {
        ...FINE_TUNE_DEFAULTS,
        headEpochs: 6,
        batchSize: 4,
        headLearningRate: 0.05,
      },
      0,
    );
    const after = snapshot(model);
    let changedHead = 0;
    for (const [name, values] of before) {
      const same = values.every((v, i) => v === after.get(name)![i]);
      if (name.startsWith(HEAD_NAME)) {
        if (!same) changedHead++;
      } else {
        assert.ok(same, `${name} changed`);
      }
    }
    assert.equal(changedHead, 2, "the head's kernel and bias both trained");
    assert.ok(
      history[history.length - 1].loss < history[0].loss,
      "the loss falls",
    );
    pre.dispose();
    model.dispose();
  },
});

Deno.test({
  ...opts,
  name:
    "runVariant(): the pre-trained model is left untouched, baselines scored by hand",
  fn: async (t) => {
    await initTf();
    const data = syntheticShapes({
      size: 12,
      numTrain: 6,
      numTest: 3,
      seed: 4,
    });
    const pre = buildDeepLab({
      numBlocks: 1,
      numClasses: 5,
      numFilters: 4,
      seed: 5,
    });
    const before = snapshot(pre);
    const tensors = tf.memory().numTensors;
    await t.step("whole-network trains a copy", async () => {
      const r = await runVariant("whole-network", {
        pretrained: pre,
        data,
        seed: 0,
        config: { wholeEpochs: 1, batchSize: 3 },
      });
      assert.equal(r.history.length, 1);
      assert.equal(r.predictions.length, 3 * 144);
      assert.deepEqual(snapshot(pre), before);
    });
    await t.step("all-horse and all-background", async () => {
      const horse = await runVariant("all-horse", {
        pretrained: pre,
        data,
        seed: 0,
      });
      const share = [0, 1, 2].map((i) =>
        data.test.masks.subarray(i * 144, (i + 1) * 144).reduce(
          (s, v) => s + v,
          0,
        ) / 144
      );
      assert.ok(
        Math.abs(horse.scores.iou - share.reduce((s, v) => s + v) / 3) < 1e-6,
      );
      const bg = await runVariant("all-background", {
        pretrained: pre,
        data,
        seed: 0,
      });
      assert.ok(bg.scores.iou < 1e-6);
    });
    await t.step("compareVariants() summarises seeds", async () => {
      const c = await compareVariants({
        pretrained: pre,
        data,
        seeds: 2,
        variants: ["last-layer-random", "all-horse"],
        config: { headEpochs: 1 },
      });
      assert.deepEqual(c.summaries.map((s) => s.seeds), [2, 1]);
      const s = c.summaries[0];
      assert.ok(s.iou.min <= s.iou.mean && s.iou.mean <= s.iou.max);
      assert.equal(s.perSeed.length, 2);
    });
    assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
    pre.dispose();
  },
});

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
