import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { loadCategoryData } from "../../lib/data/cifar.ts";
import { loadOrComputePalette } from "../../lib/data/palette.ts";
import { HEAD_NAME } from "../../lib/models/deeplab.ts";
import { runVariant, variantInput } from "../../lib/finetune/fine_tune.ts";
import { compareVariants } from "../../lib/finetune/experiment.ts";
import { pretrainInput } from "../../lib/finetune/pretrain.ts";
import { syntheticShapes } from "../../lib/finetune/synthetic_shapes.ts";
import { trainOrLoad } from "../../lib/run/run.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

function snapshot(model: tf.LayersModel): Map<string, number[]> {
  return new Map(
    model.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]),
  );
}

/** A tiny pre-training run on the synthetic set, and segmentation data. */
async function tinySetup(cacheDir: string) {
  await initTf();
  const data = await loadCategoryData({ data: "synthetic" });
  const palette = await loadOrComputePalette(data, {
    numColours: 6,
    seed: 0,
    cacheDir,
  });
  const segmentation = syntheticShapes({
    size: 12,
    numTrain: 8,
    numTest: 4,
    seed: 1,
  });
  const body = pretrainInput({
    numBlocks: 1,
    numFilters: 4,
    numEpochs: 1,
    batchSize: 10,
    limitTrain: 20,
    limitVal: 10,
  });
  return { sources: { colour: { data, palette }, segmentation }, body };
}

Deno.test({
  ...opts,
  name: "a last-layer segmentation run changes only the new layer's weights",
  fn: async () => {
    const cacheDir = await Deno.makeTempDir();
    try {
      const { sources, body } = await tinySetup(cacheDir);
      const pre = await trainOrLoad(body, sources, { cacheDir });
      const input = variantInput("last-layer-pretrained", {
        body,
        size: 12,
        seed: 0,
        config: { headEpochs: 6, batchSize: 4 },
      })!;
      const run = await trainOrLoad(input, sources, { cacheDir });
      const before = snapshot(pre.model);
      const after = snapshot(run.model);
      for (const [name, values] of after) {
        if (name.startsWith(HEAD_NAME)) continue;
        assert.deepEqual(values, before.get(name), `${name} changed`);
      }
      assert.equal(run.json.body?.runId, pre.runId);
      assert.ok(
        run.history.at(-1)!.trainLoss < run.history[0].trainLoss,
        "the loss falls",
      );
      pre.model.dispose();
      run.model.dispose();
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name:
    "runVariant(): runs cached per variant and seed, baselines scored by hand",
  fn: async (t) => {
    const cacheDir = await Deno.makeTempDir();
    try {
      const { sources, body } = await tinySetup(cacheDir);
      const data = sources.segmentation;
      const tensors = tf.memory().numTensors;
      await t.step("whole-network trains and is cached", async () => {
        const v = { sources, body, seed: 0, cacheDir };
        const config = { wholeEpochs: 1, batchSize: 4 };
        const r = await runVariant("whole-network", { ...v, config });
        assert.equal(r.history.length, 1);
        assert.equal(r.predictions.length, 4 * 144);
        let trained = 0;
        const again = await runVariant("whole-network", {
          ...v,
          config,
          onEpochEnd: () => trained++,
        });
        assert.equal(trained, 0, "read from the cache");
        assert.deepEqual(again.predictions, r.predictions);
      });
      await t.step("all-horse and all-background", async () => {
        const v = { sources, body, seed: 0, cacheDir };
        const horse = await runVariant("all-horse", v);
        const share = [0, 1, 2, 3].map((i) =>
          data.test.masks.subarray(i * 144, (i + 1) * 144).reduce(
            (s, v) => s + v,
            0,
          ) / 144
        );
        assert.ok(
          Math.abs(horse.scores.iou - share.reduce((s, v) => s + v) / 4) <
            1e-6,
        );
        const bg = await runVariant("all-background", v);
        assert.ok(bg.scores.iou < 1e-6);
      });
      await t.step("compareVariants() summarises seeds", async () => {
        const c = await compareVariants({
          sources,
          body,
          cacheDir,
          seeds: 2,
          variants: ["last-layer-random", "all-horse"],
          config: { headEpochs: 1, batchSize: 4 },
        });
        assert.deepEqual(c.summaries.map((s) => s.seeds), [2, 1]);
        const s = c.summaries[0];
        assert.ok(s.iou.min <= s.iou.mean && s.iou.mean <= s.iou.max);
        assert.equal(s.perSeed.length, 2);
      });
      assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
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
