import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import {
  fileHandler,
  hasSavedModel,
  MODEL_JSON,
  WEIGHTS_BIN,
} from "../../lib/io/file_handler.ts";
import { buildDeepLab } from "../../lib/models/deeplab.ts";

Deno.test({
  name:
    "fileHandler() round-trips a layers model through model.json + weights.bin",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    await initTf();
    const dir = await Deno.makeTempDir({ prefix: "colourlab_fh_" });
    try {
      const model = buildDeepLab({
        numBlocks: 2,
        numClasses: 3,
        numFilters: 4,
        seed: 3,
      });
      // Move BatchNorm statistics away from their initial values so they are tested too.
      tf.tidy(() => {
        model.apply(tf.randomNormal([2, 8, 8, 1], 0, 1, "float32", 1), {
          training: true,
        });
      });
      const x = tf.randomNormal([2, 8, 8, 1], 0, 1, "float32", 2);
      const before = tf.memory().numTensors;

      await t.step(
        "save writes exactly the two files, nothing temporary",
        async () => {
          await model.save(fileHandler(`${dir}/m`));
          const names = [];
          for await (const e of Deno.readDir(`${dir}/m`)) names.push(e.name);
          assert.deepEqual(names.sort(), [MODEL_JSON, WEIGHTS_BIN].sort());
          assert.ok(await hasSavedModel(`${dir}/m`));
          assert.ok(!(await hasSavedModel(`${dir}/nothing`)));
        },
      );

      await t.step(
        "load gives the same weights and the same predictions",
        async () => {
          const loaded = await tf.loadLayersModel(fileHandler(`${dir}/m`));
          assert.deepEqual(
            loaded.layers.map((l) => l.name),
            model.layers.map((l) => l.name),
          );
          const a = model.getWeights();
          const b = loaded.getWeights();
          assert.equal(a.length, b.length);
          for (let i = 0; i < a.length; i++) {
            assert.deepEqual(
              Array.from(await b[i].data()),
              Array.from(await a[i].data()),
            );
          }
          const ya = model.predict(x) as tf.Tensor;
          const yb = loaded.predict(x) as tf.Tensor;
          assert.deepEqual(
            Array.from(await yb.data()),
            Array.from(await ya.data()),
          );
          tf.dispose([ya, yb]);
          loaded.dispose();
          assert.equal(tf.memory().numTensors, before);
        },
      );

      await t.step(
        "a truncated weights file is refused with its name",
        async () => {
          const w = await Deno.readFile(`${dir}/m/${WEIGHTS_BIN}`);
          await Deno.writeFile(
            `${dir}/m/${WEIGHTS_BIN}`,
            w.subarray(0, w.length - 4),
          );
          await assert.rejects(
            () => tf.loadLayersModel(fileHandler(`${dir}/m`)),
            (e: Error) =>
              e.message.includes(WEIGHTS_BIN) && e.message.includes("bytes"),
          );
        },
      );

      await t.step("a missing folder is refused with the path", async () => {
        await assert.rejects(
          () => tf.loadLayersModel(fileHandler(`${dir}/absent`)),
          (e: Error) => e.message.includes(`${dir}/absent/${MODEL_JSON}`),
        );
      });
      x.dispose();
      model.dispose();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
