/**
 * Checks against the real horses archive in ../shared when it is present
 * (skipped cleanly otherwise: the project never needs it).
 */
import assert from "node:assert/strict";
import { loadCategoryData } from "../../lib/data/cifar.ts";
import { kMeansPalette, nearestColourLabels } from "../../lib/data/palette.ts";

const ARCHIVE =
  new URL("../../../shared/data/cifar-10-horses-binary.tar.gz", import.meta.url)
    .pathname;
const present = await Deno.stat(ARCHIVE).then((s) => s.isFile, () => false);

Deno.test({
  name: "the real horses archive: 5,000 training and 102 validation horses",
  ignore: !present,
  fn: async (t) => {
    const data = await loadCategoryData({ data: ARCHIVE });
    await t.step("counts, provenance and pixel scale", () => {
      assert.equal(data.train.count, 5000);
      assert.equal(data.val.count, 102);
      assert.equal(data.source.kind, "archive");
      assert.equal(
        data.source.sha256,
        "549f887a0ed2a97fd4785af0b1fef45dc5f3d7e9b650b52a2d89b001ebf2f5ba",
      );
      assert.ok(data.train.images.every((v) => v >= 0 && v < 1));
    });
    await t.step(
      "a short k-means run gives 24 distinct colours that label every pixel",
      () => {
        // A few iterations only, to stay fast; the full run is measured, not tested.
        const palette = kMeansPalette(
          data.train.images.subarray(0, 500 * 3072),
          { numColours: 24, seed: 0, maxIterations: 10 },
        );
        const labels = nearestColourLabels(data.val.images, palette);
        assert.equal(
          new Set(labels).size > 12,
          true,
          "validation pixels use many colours",
        );
      },
    );
  },
});
