import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { seededRng } from "../../lib/random.ts";
import type { CategoryData, ImageSet, Palette } from "../../lib/data/types.ts";
import type { ExperimentData } from "../../lib/experiments/experiment_data.ts";
import { trainData } from "../../lib/experiments/experiment_data.ts";
import {
  codeHash,
  type ExperimentSpec,
  runId,
  trainOrLoad,
} from "../../lib/experiments/run_cache.ts";
import { describeRun } from "../../lib/experiments/train_runs.ts";

function images(count: number, seed: number): ImageSet {
  const rng = seededRng(seed);
  return {
    images: Float32Array.from(
      { length: count * 32 * 32 * 3 },
      () => Math.floor(rng() * 256) / 256,
    ),
    labels: new Uint8Array(count).fill(7),
    count,
    height: 32,
    width: 32,
  };
}

function fixture(sha: string): ExperimentData {
  const data: CategoryData = {
    train: images(6, 1),
    val: images(3, 2),
    category: 7,
    categoryName: "horse",
    source: {
      kind: "synthetic",
      sha256: sha,
      synthetic: true,
      description: "test images",
    },
  };
  const palette: Palette = {
    colours: new Float32Array([
      0.1,
      0.1,
      0.1,
      0.9,
      0.9,
      0.9,
      0.8,
      0.2,
      0.2,
      0.2,
      0.3,
      0.8,
    ]),
    numColours: 4,
    description: "hand-made",
  };
  return { data, palette };
}

const spec: ExperimentSpec = {
  model: "cnn",
  learningRate: 0.01,
  batchSize: 4,
  numEpochs: 1,
  seed: 0,
  numFilters: 2,
};

Deno.test("run cache", async (t) => {
  await tf.setBackend("cpu");
  const cacheDir = await Deno.makeTempDir({ prefix: "colourlab_runs_" });
  const exp = fixture("a".repeat(64));
  try {
    await t.step(
      "trainData: grey inputs and palette labels of the limited sets",
      () => {
        const td = trainData(exp, { limitTrain: 4 });
        assert.equal(td.trainX.length, 4 * 32 * 32);
        assert.equal(td.trainY.length, 4 * 32 * 32);
        assert.equal(td.valY.length, 3 * 32 * 32);
        const img = exp.data.train.images;
        assert.ok(
          Math.abs(td.trainX[5] - (img[15] + img[16] + img[17]) / 3) < 1e-6,
        );
        assert.equal(trainData(exp, { limitTrain: 4 }), td, "memoized");
      },
    );

    await t.step(
      "the run id is readable and keyed by config, data, palette and code",
      async () => {
        const id = await runId(spec, exp);
        assert.match(id, /^cnn_bs4_lr0\.01_e1_seed0_nf2_[0-9a-f]{8}$/);
        assert.equal(await runId({ ...spec }, exp), id);
        const others = [
          await runId({ ...spec, learningRate: 0.02 }, exp),
          await runId({ ...spec, seed: 1 }, exp),
          await runId({ ...spec, model: "unet" }, exp),
          await runId({ ...spec, limitTrain: 5 }, exp),
          await runId(spec, fixture("b".repeat(64))),
          await runId(spec, {
            ...exp,
            palette: {
              ...exp.palette,
              colours: exp.palette.colours.map((v) => v / 2),
            },
          }),
        ];
        assert.equal(new Set([id, ...others]).size, 7);
        assert.match(await codeHash(), /^[0-9a-f]{64}$/);
      },
    );

    let first: Awaited<ReturnType<typeof trainOrLoad>>;
    await t.step(
      "miss: trains, reports every epoch, writes the run folder",
      async () => {
        const epochs: number[] = [];
        first = await trainOrLoad(spec, {
          ...exp,
          cacheDir,
          onEpochEnd: (r) => {
            epochs.push(r.epoch);
          },
        });
        assert.equal(first.cached, false);
        assert.deepEqual(epochs, [1]);
        assert.equal(first.history.length, 1);
        for (
          const f of [
            "checkpoint.bin",
            "history.json",
            "config.json",
            "run.json",
          ]
        ) {
          assert.ok((await Deno.stat(`${first.dir}/${f}`)).isFile, f);
        }
        assert.match(describeRun(first), /trained now/);
      },
    );

    await t.step("hit: same weights and history, nothing trained", async () => {
      let calls = 0;
      const again = await trainOrLoad(spec, {
        ...exp,
        cacheDir,
        onEpochEnd: () => void calls++,
      });
      assert.equal(again.cached, true);
      assert.equal(calls, 0);
      assert.deepEqual(again.history, first.history);
      const a = first.model.getWeights().map((w) => Array.from(w.dataSync()));
      const b = again.model.getWeights().map((w) => Array.from(w.dataSync()));
      assert.deepEqual(b, a);
      assert.match(describeRun(again), /read from cache/);
      again.model.dispose();
    });

    await t.step("retrain: trains again with the same result", async () => {
      const re = await trainOrLoad(spec, { ...exp, cacheDir, retrain: true });
      assert.equal(re.cached, false);
      assert.equal(re.history[0].trainLoss, first.history[0].trainLoss);
      re.model.dispose();
    });

    await t.step(
      "an unreadable cached checkpoint is trained again",
      async () => {
        await Deno.writeTextFile(`${first.dir}/checkpoint.bin`, "garbage");
        const again = await trainOrLoad(spec, { ...exp, cacheDir });
        assert.equal(again.cached, false);
        assert.deepEqual(
          again.history.map((e) => e.trainLoss),
          first.history.map((e) => e.trainLoss),
        );
        const reread = await trainOrLoad(spec, { ...exp, cacheDir });
        assert.equal(reread.cached, true);
        again.model.dispose();
        reread.model.dispose();
      },
    );

    await t.step("a changed config is a miss", async () => {
      const other = await trainOrLoad({ ...spec, learningRate: 0.02 }, {
        ...exp,
        cacheDir,
      });
      assert.equal(other.cached, false);
      assert.notEqual(other.dir, first.dir);
      other.model.dispose();
    });
    first!.model.dispose();
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
