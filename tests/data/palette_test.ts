import assert from "node:assert/strict";
import {
  kMeansPalette,
  loadOrComputePalette,
  nearestColourLabels,
  paletteToRgb,
} from "../../lib/data/palette.ts";
import { syntheticCategoryData } from "../../lib/data/synthetic.ts";
import type { Palette } from "../../lib/data/types.ts";
import { seededRng } from "../../lib/random.ts";
import { listFiles } from "./fixtures.ts";

const CENTRES = [[0.1, 0.1, 0.1], [0.8, 0.2, 0.2], [0.2, 0.7, 0.3], [
  0.9,
  0.9,
  0.9,
]];

/** `perCluster` pixels around each of CENTRES, noise +-0.04, optionally on the /256 grid. */
function clusters(
  perCluster: number,
  seed: number,
  onGrid: boolean,
): Float32Array {
  const rng = seededRng(seed);
  const out = new Float32Array(CENTRES.length * perCluster * 3);
  let o = 0;
  for (let i = 0; i < perCluster; i++) {
    for (const c of CENTRES) {
      for (const v of c) {
        const x = v + 0.08 * (rng() - 0.5);
        out[o++] = onGrid ? Math.floor(x * 256) / 256 : x;
      }
    }
  }
  return out;
}

const lum = (p: Palette, i: number) =>
  0.299 * p.colours[i * 3] + 0.587 * p.colours[i * 3 + 1] +
  0.114 * p.colours[i * 3 + 2];

Deno.test("kMeansPalette() finds obvious clusters, deterministically", async (t) => {
  for (const onGrid of [true, false]) {
    await t.step(
      `four clusters (${
        onGrid ? "on the /256 grid" : "off the grid"
      }) are recovered`,
      () => {
        const palette = kMeansPalette(clusters(500, 1, onGrid), {
          numColours: 4,
          seed: 0,
        });
        assert.equal(palette.numColours, 4);
        // sorted by luminance, so in the order of CENTRES
        CENTRES.forEach((c, i) =>
          c.forEach((v, ch) =>
            assert.ok(Math.abs(palette.colours[i * 3 + ch] - v) < 0.01)
          )
        );
        assert.match(
          palette.description,
          /k-means\+\+ \(seed 0\), converged after \d+ Lloyd iterations, over all 2,000 pixels/,
        );
      },
    );
  }
  await t.step("same seed, same palette; colours sorted by luminance", () => {
    const pixels = clusters(300, 2, true);
    const a = kMeansPalette(pixels, { numColours: 9, seed: 5 });
    const b = kMeansPalette(pixels, { numColours: 9, seed: 5 });
    assert.deepEqual(a.colours, b.colours);
    for (let i = 1; i < 9; i++) assert.ok(lum(a, i - 1) <= lum(a, i));
  });
  await t.step("fewer distinct colours than asked: a clear error", () => {
    const pixels = Float32Array.from([
      0.5,
      0.5,
      0.5,
      0.5,
      0.5,
      0.5,
      0.25,
      0.25,
      0.25,
    ]);
    assert.throws(
      () => kMeansPalette(pixels, { numColours: 3, seed: 0 }),
      /only 2 distinct colours, fewer than the 3/,
    );
  });
  await t.step("bad arguments", () => {
    assert.throws(
      () => kMeansPalette(new Float32Array(6), { numColours: 0, seed: 0 }),
      /numColours/,
    );
    assert.throws(
      () => kMeansPalette(new Float32Array(5), { numColours: 1, seed: 0 }),
      /RGB triples/,
    );
  });
});

Deno.test("nearestColourLabels() agrees with brute force; paletteToRgb() inverts it", async (t) => {
  const rng = seededRng(11);
  const palette: Palette = {
    colours: Float32Array.from({ length: 24 * 3 }, () => rng()),
    numColours: 24,
    description: "random",
  };
  const images = Float32Array.from({ length: 4 * 8 * 8 * 3 }, () => rng());
  await t.step("brute force over every colour", () => {
    const labels = nearestColourLabels(images, palette);
    assert.equal(labels.length, 4 * 8 * 8);
    for (let p = 0; p < labels.length; p++) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < 24; j++) {
        const d = Math.hypot(
          ...[0, 1, 2].map((c) =>
            images[p * 3 + c] - palette.colours[j * 3 + c]
          ),
        );
        if (d < bestD) [best, bestD] = [j, d];
      }
      assert.equal(labels[p], best, `pixel ${p}`);
    }
  });
  await t.step("ties go to the lowest index", () => {
    const two: Palette = {
      colours: Float32Array.from([0, 0, 0, 1, 1, 1]),
      numColours: 2,
      description: "",
    };
    assert.deepEqual(
      nearestColourLabels(
        Float32Array.from([0.5, 0.5, 0.5, 0.9, 0.9, 0.9]),
        two,
      ),
      Uint8Array.from([0, 1]),
    );
  });
  await t.step("palette colours map back to their own labels", () => {
    const labels = Uint8Array.from({ length: 100 }, (_, i) => (i * 7) % 24);
    const rgb = paletteToRgb(labels, palette);
    assert.deepEqual(
      Array.from(rgb.subarray(3, 6)),
      Array.from(palette.colours.subarray(21, 24)),
    );
    assert.deepEqual(nearestColourLabels(rgb, palette), labels);
    assert.throws(
      () => paletteToRgb(Uint8Array.from([24]), palette),
      /label 24/,
    );
  });
});

Deno.test("loadOrComputePalette() caches by data, category, NC and seed", async () => {
  const dir = await Deno.makeTempDir();
  const data = syntheticCategoryData({ trainCount: 40, valCount: 5 });
  const first = await loadOrComputePalette(data, {
    numColours: 6,
    seed: 0,
    cacheDir: dir,
  });
  assert.match(first.description, /over all 40,960 pixels .*SYNTHETIC/);
  const files = await listFiles(dir);
  assert.equal(files.length, 1);
  assert.match(
    files[0],
    /^palettes\/kmeans_v1_[0-9a-f]{16}_cat7_n40_nc6_seed0\.json$/,
  );
  const again = await loadOrComputePalette(data, {
    numColours: 6,
    seed: 0,
    cacheDir: dir,
  });
  assert.match(again.description, /cached in/);
  assert.deepEqual(again.colours, first.colours);
  await loadOrComputePalette(data, { numColours: 6, seed: 1, cacheDir: dir });
  await loadOrComputePalette(data, { numColours: 5, seed: 0, cacheDir: dir });
  assert.equal((await listFiles(dir)).length, 3);
  await Deno.remove(dir, { recursive: true });
});
