import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { buildCnn } from "../../lib/models/cnn.ts";
import { buildUNet } from "../../lib/models/unet.ts";
import { CHECKPOINT_FILE, readCheckpoint } from "../../lib/train/checkpoint.ts";
import { NonFiniteLossError, trainModel } from "../../lib/train/fit.ts";
import type { BatchReport, EpochRecord } from "../../lib/train/types.ts";
import { tinyData } from "./tiny_data.ts";

await initTf();

const MODEL = { numFilters: 4, numColours: 4, height: 8, width: 8, seed: 0 };
const OPTS = { batchSize: 16, learningRate: 0.01, seed: 0 };

/** History without the timing fields, which differ from run to run. */
function results(history: EpochRecord[]) {
  return history.map(({ epoch, trainLoss, valLoss, valAccuracy }) => ({
    epoch,
    trainLoss,
    valLoss,
    valAccuracy,
  }));
}

Deno.test("trainModel", async (t) => {
  await t.step(
    "the loss falls on a learnable task, and no tensor is left behind",
    async () => {
      const model = buildUNet(MODEL);
      const before = tf.memory().numTensors;
      const history = await trainModel(model, tinyData(), {
        ...OPTS,
        learningRate: 0.1,
        numEpochs: 8,
      });
      assert.equal(tf.memory().numTensors, before);
      assert.equal(history.length, 8);
      const [first, last] = [history[0], history[7]];
      // Labels are 4 grey-level bins: chance is a loss of ln 4 = 1.39 and 25% accuracy.
      assert.ok(
        last.trainLoss < 0.8 * first.trainLoss,
        JSON.stringify(results(history)),
      );
      assert.ok(
        last.valLoss < 0.85 * first.valLoss,
        JSON.stringify(results(history)),
      );
      assert.ok(last.valAccuracy > 0.45, `accuracy ${last.valAccuracy}`);
      // Training ran BatchNorm in training mode: its running statistics moved.
      const [, , runningMean, runningVar] = model.getLayer("bn2").getWeights()
        .map((w) => Array.from(w.dataSync()));
      assert.ok(
        runningMean.every((m) => m !== 0) && runningVar.every((v) => v !== 1),
      );
      model.dispose();
    },
  );

  await t.step(
    "history records have exactly the five keys (plus epoch)",
    async () => {
      const model = buildCnn(MODEL);
      const [record] = await trainModel(
        model,
        tinyData({ train: 20, val: 5 }),
        { ...OPTS, numEpochs: 1 },
      );
      assert.deepEqual(Object.keys(record).sort(), [
        "epoch",
        "imagesPerSecond",
        "seconds",
        "trainLoss",
        "valAccuracy",
        "valLoss",
      ]);
      assert.ok(record.valAccuracy >= 0 && record.valAccuracy <= 1);
      assert.ok(record.seconds > 0 && record.imagesPerSecond > 0);
      model.dispose();
    },
  );

  await t.step(
    "the last partial batch is used and every batch is reported",
    async () => {
      const model = buildCnn(MODEL);
      const reports: BatchReport[] = [];
      // 40 images in batches of 16: 16 + 16 + 8
      await trainModel(model, tinyData(), {
        ...OPTS,
        numEpochs: 2,
        onBatchEnd: (r) => reports.push(r),
      });
      assert.deepEqual(reports.map((r) => r.images), [16, 32, 40, 16, 32, 40]);
      assert.deepEqual(
        reports.map((r) => `${r.epoch}.${r.batch}/${r.batchesPerEpoch}`),
        [
          "1.1/3",
          "1.2/3",
          "1.3/3",
          "2.1/3",
          "2.2/3",
          "2.3/3",
        ],
      );
      model.dispose();
    },
  );

  await t.step(
    "validation uses running statistics: it does not depend on the batch size",
    async () => {
      const data = tinyData();
      const a = buildCnn(MODEL);
      const b = buildCnn(MODEL);
      const [ra] = await trainModel(a, data, {
        ...OPTS,
        numEpochs: 1,
        evalBatchSize: 10,
      });
      const [rb] = await trainModel(b, data, {
        ...OPTS,
        numEpochs: 1,
        evalBatchSize: 3,
      });
      assert.equal(ra.trainLoss, rb.trainLoss);
      assert.ok(
        Math.abs(ra.valLoss - rb.valLoss) < 1e-5,
        `${ra.valLoss} vs ${rb.valLoss}`,
      );
      assert.equal(ra.valAccuracy, rb.valAccuracy);
      a.dispose();
      b.dispose();
    },
  );

  await t.step(
    "same seed, same run; another seed shuffles differently",
    async () => {
      const data = tinyData();
      const run = async (seed: number) => {
        const model = buildCnn(MODEL);
        const h = await trainModel(model, data, {
          ...OPTS,
          seed,
          numEpochs: 2,
        });
        model.dispose();
        return results(h);
      };
      const first = await run(0);
      assert.deepEqual(await run(0), first);
      assert.notDeepEqual(await run(1), first);
    },
  );

  await t.step("a NaN loss stops the run naming epoch and batch", async () => {
    const model = buildCnn(MODEL);
    const before = tf.memory().numTensors;
    const poison = () => {
      // After the second batch of epoch 2, a NaN bias makes every later logit NaN.
      const conv6 = model.getLayer("conv6");
      const [kernel, bias] = conv6.getWeights();
      const nan = tf.fill(bias.shape, NaN);
      conv6.setWeights([kernel, nan]);
      nan.dispose();
    };
    const err = await trainModel(model, tinyData(), {
      ...OPTS,
      numEpochs: 3,
      onBatchEnd: (r) => {
        if (r.epoch === 2 && r.batch === 2) poison();
      },
    }).catch((e) => e);
    assert.ok(err instanceof NonFiniteLossError, String(err));
    assert.equal(err.epoch, 2);
    assert.equal(err.batch, 3);
    assert.match(err.message, /training loss is NaN at epoch 2, batch 3/);
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });

  await t.step("labels beyond the palette are refused", async () => {
    const data = tinyData();
    data.valY[3] = 4;
    const model = buildCnn(MODEL);
    await assert.rejects(
      trainModel(model, data, { ...OPTS, numEpochs: 1 }),
      /valY has label 4/,
    );
    model.dispose();
  });

  await t.step("an abort signal stops between batches", async () => {
    const model = buildCnn(MODEL);
    const controller = new AbortController();
    let batches = 0;
    const run = trainModel(model, tinyData(), {
      ...OPTS,
      numEpochs: 3,
      signal: controller.signal,
      onBatchEnd: () => {
        if (++batches === 2) controller.abort(new Error("stop"));
      },
    });
    await assert.rejects(run, /stop/);
    assert.equal(batches, 2);
    model.dispose();
  });

  await t.step(
    "a signal listener's abort stops training before its end (the loop lets the event loop run)",
    async () => {
      const model = buildCnn(MODEL);
      const controller = new AbortController();
      const onSignal = () => controller.abort(new Error("interrupted"));
      // SIGUSR2 stands for Ctrl-C's SIGINT, which deno test keeps for itself
      Deno.addSignalListener("SIGUSR2", onSignal);
      let batches = 0;
      const numEpochs = 10;
      try {
        const run = trainModel(model, tinyData(), {
          ...OPTS,
          batchSize: 1,
          numEpochs,
          signal: controller.signal,
          onBatchEnd: () => {
            // the listener runs only when the event loop gets a turn
            if (++batches === 1) Deno.kill(Deno.pid, "SIGUSR2");
          },
        });
        await assert.rejects(run, /interrupted/);
      } finally {
        Deno.removeSignalListener("SIGUSR2", onSignal);
      }
      assert.ok(batches < 40 * numEpochs, `stopped after ${batches} batches`);
      model.dispose();
    },
  );

  await t.step(
    "resuming from a checkpoint gives the uninterrupted run's results",
    async () => {
      const data = tinyData();
      const dir = await Deno.makeTempDir({ prefix: "colourlab_fit_" });
      try {
        const whole = buildUNet(MODEL);
        const reference = await trainModel(whole, data, {
          ...OPTS,
          numEpochs: 3,
        });
        whole.dispose();

        const first = buildUNet(MODEL);
        await trainModel(first, data, {
          ...OPTS,
          numEpochs: 1,
          checkpoint: { dir, config: { tag: "a" } },
        });
        first.dispose();
        assert.equal(
          (await readCheckpoint(`${dir}/${CHECKPOINT_FILE}`)).epoch,
          1,
        );

        // A fresh model (other initial weights) resumed from the checkpoint.
        const second = buildUNet({ ...MODEL, seed: 99 });
        const resumed = await trainModel(second, data, {
          ...OPTS,
          numEpochs: 3,
          resume: true,
          checkpoint: { dir, config: { tag: "a" } },
        });
        assert.deepEqual(results(resumed), results(reference));
        assert.equal(
          (await readCheckpoint(`${dir}/${CHECKPOINT_FILE}`)).epoch,
          3,
        );

        // A checkpoint made with other settings is refused.
        await assert.rejects(
          trainModel(second, data, {
            ...OPTS,
            learningRate: 0.02,
            numEpochs: 4,
            resume: true,
            checkpoint: { dir },
          }),
          /learningRate/,
        );
        second.dispose();
        const leftovers = [...Deno.readDirSync(dir)].map((e) => e.name);
        assert.deepEqual(leftovers, [CHECKPOINT_FILE]);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
});
