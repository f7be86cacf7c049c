import assert from "node:assert/strict";
import {
  batchSizeSpecs,
  colourizationSpecs,
  notebookSpecs,
  runAnswer,
  skipConnectionSpecs,
  specLabel,
} from "../../lib/experiments/definitions.ts";
import type { ExperimentSettings } from "../../lib/experiments/settings.ts";

const settings: ExperimentSettings = {
  quick: true,
  limitTrain: 500,
  limitVal: 200,
  numEpochs: 2,
  batchSizes: [10, 100, 500],
  seeds: [0],
  spreadSeeds: [1, 2],
  spreadBatchSizes: [100],
  analysisImages: 50,
  seed: 0,
};

Deno.test("experiment definitions", async (t) => {
  await t.step(
    "notebook 01: the CNN at lr 0.3 and 0.001 with the settings' limits",
    () => {
      const specs = colourizationSpecs(settings);
      assert.deepEqual(specs.map((s) => s.learningRate), [0.3, 0.001]);
      for (const s of specs) {
        assert.equal(s.model, "cnn");
        assert.equal(s.batchSize, 100);
        assert.equal(s.numEpochs, 2);
        assert.equal(s.limitTrain, 500);
      }
    },
  );

  await t.step("batch-size sweep: extra seeds only where asked", () => {
    const specs = batchSizeSpecs(settings);
    assert.deepEqual(
      specs.map((s) => [s.batchSize, s.seed]),
      [[10, 0], [100, 0], [100, 1], [100, 2], [500, 0]],
    );
    assert.ok(specs.every((s) => s.model === "unet"));
  });

  await t.step("every run once; shared runs are the same spec", () => {
    const all = notebookSpecs(settings);
    const keys = all.map((s) => JSON.stringify(s));
    assert.equal(new Set(keys).size, keys.length);
    // notebook 04's UNet is notebook 05's batch-100 seed-0 run
    const unet = JSON.stringify(skipConnectionSpecs(settings)[1]);
    assert.ok(keys.includes(unet));
    // 2 CNN, UNet + ablation, 5 sweep runs of which batch 100 seed 0 is the UNet
    assert.equal(all.length, 2 + 2 + 4);
  });

  await t.step("labels and answers", () => {
    assert.equal(
      specLabel(colourizationSpecs(settings)[0]),
      "CNN lr 0.3 bs 100 seed 0",
    );
    assert.equal(
      runAnswer({
        history: [{ valLoss: 1.5, valAccuracy: 0.4123 }],
        cached: true,
      }),
      "41.2% accuracy, loss 1.500 after 1 epochs (read from cache)",
    );
  });
});
