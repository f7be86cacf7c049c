import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { HEAD_NAME } from "../../lib/models/deeplab.ts";
import {
  EXPERIMENT,
  quickExperiment,
  runInputs,
  variantName,
} from "../../lib/finetune/experiment.ts";
import { forMode } from "../../lib/finetune/settings.ts";
import { type Run, trainOrLoad } from "../../lib/run/run.ts";
import { resolveConfig, runLabel } from "../../lib/run/config.ts";
import { QUICK_CAPS } from "../../lib/run/run_all.ts";
import { tinyExperiment, tinySources } from "./fixtures.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

function snapshot(model: tf.LayersModel): Map<string, number[]> {
  return new Map(
    model.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]),
  );
}

Deno.test("runInputs(): the pre-training first, then each variant with each seed", () => {
  const e = tinyExperiment([0, 1]);
  const inputs = runInputs(e);
  assert.equal(inputs.length, 1 + 4 * 2);
  assert.deepEqual(inputs[0], e.pretrain);
  const labels = inputs.slice(1).map((i) => runLabel(resolveConfig(i)));
  // the random bodies first: they need not wait for the pre-training
  assert.deepEqual(labels, [
    "last layer, random body, seed 0",
    "last layer, random body, seed 1",
    "whole network, random body, seed 0",
    "whole network, random body, seed 1",
    "last layer, pre-trained body, seed 0",
    "last layer, pre-trained body, seed 1",
    "whole network, pre-trained body, seed 0",
    "whole network, pre-trained body, seed 1",
  ]);
  // a random body has the pre-trained one's architecture, and its own epochs
  const random = resolveConfig(inputs[1]);
  assert.ok(random.task === "segmentation" && random.body === "random");
  assert.equal(random.numBlocks, 1);
  assert.equal(random.numFilters, 4);
  assert.equal(random.numEpochs, 3);
  assert.equal(
    variantName({ body: "random", train: "all" }),
    "whole network, random body",
  );
});

Deno.test("quick mode: fewer seeds and epochs, a smaller grid, the body runAll trains", () => {
  const { experiment: q, note } = quickExperiment(EXPERIMENT);
  assert.deepEqual(q.seeds, [0]);
  assert.ok(q.variants.every((v) => v.numEpochs <= 10));
  assert.deepEqual(q.cost.blocks, [2, 4, 8]);
  assert.deepEqual(q.cost.sizes, [16, 32]);
  assert.equal(q.pretrain.numEpochs, QUICK_CAPS.numEpochs);
  assert.equal(q.pretrain.limitTrain, QUICK_CAPS.limitTrain);
  // the fine-tuning runs start from the capped pre-training
  const seg = resolveConfig(runInputs(q).at(-1)!);
  assert.ok(seg.task === "segmentation" && seg.body !== "random");
  assert.equal(seg.body.numEpochs, QUICK_CAPS.numEpochs);
  assert.match(note, /^quick mode keeps seed 0 only/);
  assert.equal(forMode(EXPERIMENT, { quick: false }).experiment, EXPERIMENT);
  assert.equal(forMode(EXPERIMENT, { quick: false }).note, undefined);
});

Deno.test({
  ...opts,
  name:
    "a last-layer run changes only the new layer; a whole-network run every layer",
  fn: async () => {
    const cacheDir = await Deno.makeTempDir();
    const runs: Run[] = [];
    try {
      const { horses, photos } = await tinySources(cacheDir);
      const sources = { colour: horses, segmentation: photos };
      const [pre, , , head, whole] = runInputs(tinyExperiment());
      for (const input of [pre, head, whole]) {
        runs.push(await trainOrLoad(input, sources, { cacheDir }));
      }
      const before = snapshot(runs[0].model);
      for (const [name, values] of snapshot(runs[1].model)) {
        if (name.startsWith(HEAD_NAME)) continue;
        assert.deepEqual(values, before.get(name), `${name} changed`);
      }
      const changed = [...snapshot(runs[2].model)].filter(([name, v]) =>
        !name.startsWith(HEAD_NAME) && /kernel/.test(name) &&
        JSON.stringify(v) !== JSON.stringify(before.get(name))
      );
      assert.ok(changed.length >= 2, "the body's kernels train too");
      assert.equal(runs[1].json.body?.runId, runs[0].runId);
      assert.equal(runs[2].json.body?.runId, runs[0].runId);
      const again = await trainOrLoad(head, sources, { cacheDir });
      assert.ok(again.cached, "read from the cache");
      again.model.dispose();
    } finally {
      for (const r of runs) r.model.dispose();
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});

Deno.test("the notebook states EXPERIMENT, which the command line runs", async () => {
  const nb = JSON.parse(
    await Deno.readTextFile(
      new URL("../../notebooks/06_fine_tuning.ipynb", import.meta.url),
    ),
  );
  const cell = nb.cells.find((c: { metadata: { tags?: string[] } }) =>
    c.metadata.tags?.includes("experiment")
  );
  const source = (cell.source as string[]).join("");
  const literal = /const experiment = (\{[\s\S]*\}) satisfies/.exec(source)![1];
  // a plain object literal: no code runs but the literal's own
  const stated = new Function(`return (${literal});`)();
  assert.deepEqual(stated, EXPERIMENT);
});
