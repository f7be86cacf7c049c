/**
 * Part C without the Weizmann photos: full mode refuses before anything
 * trains, with the message that says where to get them; quick mode and the
 * offline demonstration (synthetic pre-training) use the synthetic shapes.
 */
import assert from "node:assert/strict";
import { DataError } from "../../lib/data/errors.ts";
import {
  defaultWeizmannDir,
  loadHorsePhotos,
} from "../../lib/finetune/segmentation_data.ts";
import { withEnv } from "../data/fixtures.ts";

Deno.test("Part C without horse photos", async (t) => {
  const cacheDir = await Deno.makeTempDir({ prefix: "colourlab-partc-" });
  try {
    const none = (fn: () => Promise<void>) =>
      withEnv(
        "COLOURLAB_CACHE",
        cacheDir,
        () => withEnv("COLOURLAB_WEIZMANN", undefined, fn),
      );
    await t.step("full mode: refused, saying where to get them", async () => {
      await none(async () => {
        await assert.rejects(
          loadHorsePhotos({ quick: false }, 16),
          (e: Error) =>
            e instanceof DataError &&
            /^No Weizmann horse photos for Part C/.test(e.message) &&
            e.message.includes(`${cacheDir}/weizmann-horses/`),
        );
      });
      assert.deepEqual([...Deno.readDirSync(cacheDir)], [], "nothing written");
    });
    await t.step("quick mode and synthetic data: the shapes", async () => {
      await none(async () => {
        for (
          const settings of [{ quick: true }, {
            quick: false,
            data: "synthetic",
          }]
        ) {
          const photos = await loadHorsePhotos(settings, 16);
          assert.equal(photos.source.synthetic, true);
          assert.equal(photos.train.size, 16);
        }
      });
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
