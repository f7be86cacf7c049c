/**
 * Part C without the Weizmann photos: full mode refuses before anything
 * trains, with the message that says where to get them; quick mode and the
 * offline demonstration (synthetic pre-training) use the synthetic shapes.
 */
import assert from "node:assert/strict";
import type { BackendInfo } from "../../lib/backend.ts";
import { DataError } from "../../lib/data/errors.ts";
import { runFineTuneStudy } from "../../lib/finetune/study.ts";
import { defaultWeizmannDir } from "../../lib/finetune/segmentation_data.ts";
import { withEnv } from "../data/fixtures.ts";

const BACKEND: BackendInfo = {
  name: "cpu",
  reason: "test",
  threads: 1,
  adapter: "none",
  ownKernels: [],
  fallbacks: [],
};

Deno.test("Part C without horse photos", async (t) => {
  const cacheDir = await Deno.makeTempDir({ prefix: "colourlab-partc-" });
  try {
    await t.step("full mode: refused before any training", async () => {
      await assert.rejects(
        runFineTuneStudy(BACKEND, { quick: false, cacheDir }),
        (e: Error) =>
          e instanceof DataError &&
          /^No Weizmann horse photos for Part C/.test(e.message) &&
          e.message.includes(`${cacheDir}/weizmann-horses/`),
      );
      assert.deepEqual([...Deno.readDirSync(cacheDir)], [], "nothing written");
    });
    await t.step(
      "COLOURLAB_WEIZMANN names the folder, or synthetic",
      async () => {
        await withEnv("COLOURLAB_WEIZMANN", "/srv/horses", () => {
          assert.equal(defaultWeizmannDir(), "/srv/horses");
          return Promise.resolve();
        });
        await withEnv("COLOURLAB_WEIZMANN", "synthetic", () => {
          assert.equal(defaultWeizmannDir(), "synthetic");
          return Promise.resolve();
        });
      },
    );
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
