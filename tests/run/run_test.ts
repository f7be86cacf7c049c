import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { seededRng } from "../../lib/random.ts";
import type { CategoryData, ImageSet, Palette } from "../../lib/data/types.ts";
import { colourTrainData } from "../../lib/data/train_data.ts";
import type { ColourizationInput } from "../../lib/run/config.ts";
import { loadRun } from "../../lib/run/load.ts";
import { planRun, type RunSources, trainOrLoad } from "../../lib/run/run.ts";
import { readRunJson, validateRunJson } from "../../lib/run/run_json.ts";
import { describeRun } from "../../lib/run/find.ts";

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

function fixture(sha: string): { data: CategoryData; palette: Palette } {
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

const spec: ColourizationInput = {
  model: "cnn",
  learningRate: 0.01,
  batchSize: 4,
  numEpochs: 1,
  seed: 0,
  numFilters: 2,
};

Deno.test("trainOrLoad(): one run folder, cached, resumed, retrained", async (t) => {
  await tf.setBackend("cpu");
  const cacheDir = await Deno.makeTempDir({ prefix: "colourlab_runs_" });
  const exp = fixture("a".repeat(64));
  const sources: RunSources = { colour: exp };
  const runId = async (s: ColourizationInput, e = exp) =>
    (await planRun(s, { colour: e }, { cacheDir })).runId;
  try {
    await t.step(
      "colourTrainData: grey inputs and palette labels of the limited sets",
      () => {
        const trainData = (e: typeof exp, l: { limitTrain: number }) =>
          colourTrainData(e.data, e.palette, l);
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
      "the run id is readable and keyed by config, data and palette",
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
      },
    );

    let first: Awaited<ReturnType<typeof trainOrLoad>>;
    await t.step(
      "miss: trains, reports every epoch, writes the run folder",
      async () => {
        const epochs: number[] = [];
        first = await trainOrLoad(spec, sources, {
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
            "samples.png",
            "run.json",
          ]
        ) {
          assert.ok((await Deno.stat(`${first.dir}/${f}`)).isFile, f);
        }
        const json = (await readRunJson(first.dir))!;
        assert.equal(json.runId, first.runId);
        assert.equal(json.data.sha256, "a".repeat(64));
        assert.deepEqual(
          json.palette?.colours,
          Array.from(exp.palette.colours),
        );
        assert.ok(json.key.code["lib/train/fit.ts"]);
        assert.deepEqual(json.final, first.history.at(-1));
        assert.match(
          describeRun(first),
          new RegExp(`^${first.runId} \\(cnn, batch 4`),
        );
      },
    );

    await t.step("hit: same weights and history, nothing trained", async () => {
      let calls = 0;
      const again = await trainOrLoad(spec, sources, {
        cacheDir,
        onEpochEnd: () => void calls++,
      });
      assert.equal(again.cached, true);
      assert.equal(calls, 0);
      assert.deepEqual(again.history, first.history);
      const a = first.model.getWeights().map((w) => Array.from(w.dataSync()));
      const b = again.model.getWeights().map((w) => Array.from(w.dataSync()));
      assert.deepEqual(b, a);
      again.model.dispose();
    });

    await t.step("retrain: trains again with the same result", async () => {
      const re = await trainOrLoad(spec, sources, { cacheDir, retrain: true });
      assert.equal(re.cached, false);
      assert.equal(re.history[0].trainLoss, first.history[0].trainLoss);
      re.model.dispose();
    });

    await t.step(
      "an unreadable cached checkpoint is trained again",
      async () => {
        await Deno.writeTextFile(`${first.dir}/checkpoint.bin`, "garbage");
        const again = await trainOrLoad(spec, sources, { cacheDir });
        assert.equal(again.cached, false);
        assert.deepEqual(
          again.history.map((e) => e.trainLoss),
          first.history.map((e) => e.trainLoss),
        );
        const reread = await trainOrLoad(spec, sources, { cacheDir });
        assert.equal(reread.cached, true);
        again.model.dispose();
        reread.model.dispose();
      },
    );

    await t.step("a changed config is a miss", async () => {
      const other = await trainOrLoad(
        { ...spec, learningRate: 0.02 },
        sources,
        { cacheDir },
      );
      assert.equal(other.cached, false);
      assert.notEqual(other.dir, first.dir);
      other.model.dispose();
    });

    await t.step(
      "a run.json of other code or an older format: retrained, saying why",
      async () => {
        const path = `${first.dir}/run.json`;
        const json = JSON.parse(await Deno.readTextFile(path));
        json.key.code["lib/train/fit.ts"] = "0".repeat(16);
        await Deno.writeTextFile(path, JSON.stringify(json));
        const lines: string[] = [];
        const again = await trainOrLoad(spec, sources, {
          cacheDir,
          onLine: (l) => lines.push(l),
        });
        assert.equal(again.cached, false);
        assert.deepEqual(lines, [
          `retraining ${first.runId}: lib/train/fit.ts changed`,
        ]);
        delete json.format;
        await Deno.writeTextFile(path, JSON.stringify(json));
        lines.length = 0;
        const old = await trainOrLoad(spec, sources, {
          cacheDir,
          onLine: (l) => lines.push(l),
        });
        assert.equal(old.cached, false);
        assert.match(lines[0], /written by an older colourlab/);
        assert.throws(() => validateRunJson(json, "x/run.json"), /older/);
        again.model.dispose();
        old.model.dispose();
      },
    );

    await t.step(
      "stopped between batches: resumed, bit-identical to one go",
      async () => {
        const long = { ...spec, numEpochs: 3, batchSize: 2 };
        const whole = await trainOrLoad(long, sources, {
          cacheDir: `${cacheDir}/a`,
        });
        const stop = new AbortController();
        let batches = 0;
        await assert.rejects(
          trainOrLoad(long, sources, {
            cacheDir: `${cacheDir}/b`,
            signal: stop.signal,
            onBatchEnd: (b) => {
              // mid-way through epoch 2
              if (++batches === 5) stop.abort();
              assert.ok(b.epoch <= 2);
            },
          }),
        );
        const lines: string[] = [];
        const resumed = await trainOrLoad(long, sources, {
          cacheDir: `${cacheDir}/b`,
          onLine: (l) => lines.push(l),
        });
        assert.match(lines[0], /resuming .* after epoch 1/);
        assert.equal(resumed.json.timings.resumedFromEpoch, 1);
        const strip = (h: typeof whole.history) =>
          h.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest);
        assert.deepEqual(strip(resumed.history), strip(whole.history));
        const w = (r: typeof whole) =>
          r.model.getWeights().map((x) => Array.from(x.dataSync()));
        assert.deepEqual(w(resumed), w(whole));
        const loaded = await loadRun(resumed.dir);
        assert.deepEqual(w(loaded), w(whole));
        for (const r of [whole, resumed, loaded]) r.model.dispose();
      },
    );
    first!.model.dispose();
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
