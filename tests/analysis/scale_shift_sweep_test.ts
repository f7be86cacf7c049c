import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { seededRng } from "../../lib/random.ts";
import { buildCnn } from "../../lib/models/cnn.ts";
import { buildUNet } from "../../lib/models/unet.ts";
import { forward } from "../../lib/analysis/predict.ts";
import {
  analysisBatch,
  changeMap,
  logitChange,
  ringProfile,
  sameNeighbours,
  scaleShiftSweep,
} from "../../lib/analysis/scale_shift_sweep.ts";
// the pictures are tested here too: they need the same model
import { transformedRows } from "../../lib/analysis/scale_shift_figures.ts";

const shape = { height: 16, width: 16 };
const opts = { numFilters: 4, numColours: 5, ...shape, seed: 3 };

function randomGrey(count: number, seed: number): Float32Array {
  const rng = seededRng(seed);
  return Float32Array.from({ length: count * 16 * 16 }, rng);
}

Deno.test("scale and shift of the input vs BatchNorm mode", async (t) => {
  await tf.setBackend("cpu");
  const model = buildCnn(opts);
  const grey = randomGrey(6, 1);
  const labels = new Uint8Array(grey.length);

  await t.step(
    "training-mode forward leaves weights and tensors as they were",
    async () => {
      const read = (ws: tf.Tensor[]) =>
        Promise.all(ws.map(async (w) => Array.from(await w.data())));
      const before = await read(model.getWeights());
      const n = tf.memory().numTensors;
      const xs = tf.tensor4d(grey, [6, 16, 16, 1]);
      tf.dispose([forward(model, xs, "training"), xs]);
      assert.equal(tf.memory().numTensors, n);
      const after = await read(model.getWeights());
      assert.deepEqual(after, before);
    },
  );

  const n = tf.memory().numTensors;
  const rows = await scaleShiftSweep(model, grey, labels, {
    ...shape,
    scales: [-1, 0.5, 1, 3],
    shifts: [0, 0.5],
  });
  const at = (a: number, b: number, mode: string) =>
    rows.find((r) => r.a === a && r.b === b && r.mode === mode)!;

  await t.step("the sweep leaks no tensors and has every cell", () => {
    assert.equal(tf.memory().numTensors, n);
    assert.equal(rows.length, 2 * 4 * 2);
    assert.equal(at(1, 0, "training").relativeChange, 0);
  });

  await t.step("training mode: a > 0, b = 0 leaves outputs unchanged", () => {
    for (const a of [0.5, 3]) {
      assert.ok(at(a, 0, "training").relativeChange < 1e-3, `a=${a}`);
      assert.equal(at(a, 0, "training").agreement, 1);
    }
  });

  await t.step(
    "training mode: a < 0 changes outputs (max-pool becomes min-pool)",
    () => {
      assert.ok(at(-1, 0, "training").relativeChange > 0.05);
      assert.ok(at(-1, 0, "training").agreement < 1);
    },
  );

  await t.step("inference mode: running statistics do not undo a scale", () => {
    // untrained, the logits are dominated by conv6's bias: compare the modes
    assert.ok(at(3, 0, "inference").relativeChange > 0.01);
    assert.ok(
      at(3, 0, "inference").relativeChange >
        50 * at(3, 0, "training").relativeChange,
    );
  });

  await t.step(
    "training mode: after bn1 a shift changes the border most",
    async () => {
      // zero padding: border pixels of conv1 miss some taps, so b * sum(taps)
      // is not one constant per channel there (32x32: the border is a smaller share)
      const big = { height: 32, width: 32 };
      const net = buildCnn({ ...opts, ...big });
      const xs = Float32Array.from({ length: 4 * 32 * 32 }, seededRng(2));
      const layer = "bn1"; // pooled to 16x16
      const map = await changeMap(net, xs, {
        ...big,
        a: 1,
        b: 0.5,
        mode: "training",
        layer,
      });
      assert.equal(map.length, 256);
      const ring = ringProfile(map, { height: 16, width: 16 });
      assert.ok(ring[0] > 2 * ring[7], `edge ${ring[0]} vs centre ${ring[7]}`);
      const scaled = await changeMap(net, xs, {
        ...big,
        a: 2,
        b: 0,
        mode: "training",
        layer,
      });
      assert.ok(Math.max(...scaled) < 1e-3 * Math.max(...map));
      net.dispose();
    },
  );

  await t.step(
    "the UNet's last layer sees the raw input: a scale changes it",
    async () => {
      const unet = buildUNet(opts);
      const [r] = await scaleShiftSweep(unet, grey, labels, {
        ...shape,
        scales: [3],
        shifts: [0],
        modes: ["training"],
      });
      assert.ok(r.relativeChange > 1e-3);
      unet.dispose();
    },
  );

  await t.step("transformed images, no leaks", async () => {
    const palette = {
      colours: Float32Array.from({ length: 15 }, (_, i) => i / 15),
      numColours: 5,
      description: "",
    };
    const n = tf.memory().numTensors;
    const grid = await transformedRows(model, { ...shape, grey }, palette, [
      { a: 1, b: 0, mode: "training" },
      { a: -1, b: 0, mode: "inference" },
    ], 4);
    assert.equal(tf.memory().numTensors, n);
    assert.equal(grid.length, 2);
    assert.equal(grid[0].label, "a = 1, b = 0, batch stats");
    assert.equal(grid[0].images.count, 4);
    assert.equal(grid[0].images.images.length, 4 * 16 * 16 * 3);
  });

  await t.step("sameNeighbours counts equal right and lower neighbours", () => {
    // two 2x3 images: all one colour; a checkerboard
    const flat = [1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1];
    // 7 pairs per image (2 rows x 2 right + 3 below)
    assert.equal(sameNeighbours(flat, 2, 3), 7 / 14);
    assert.equal(sameNeighbours([2, 2, 2, 2], 2, 2), 1);
    assert.ok(at(1, 0, "training").sameNeighbours >= 0);
    assert.ok(at(1, 0, "training").sameNeighbours <= 1);
  });

  await t.step("analysis batch", () => {
    const td = { valX: grey, valY: labels, height: 16, width: 16 };
    const b = analysisBatch(td, 4);
    assert.equal(b.count, 4);
    assert.equal(b.grey.length, 4 * 256);
    assert.equal(analysisBatch(td, 100).count, 6);
  });

  await t.step("ringProfile averages by distance to the nearest edge", () => {
    const s = { height: 4, width: 6 };
    const map = Float32Array.from({ length: 24 }, (_, i) => {
      const y = Math.floor(i / 6), x = i % 6;
      return Math.min(y, x, 3 - y, 5 - x) === 0 ? 2 : 7;
    });
    assert.deepEqual(Array.from(ringProfile(map, s)), [2, 7]);
  });
  model.dispose();
});

Deno.test("logitChange(): the numbers of one A.4 cell", async () => {
  await tf.setBackend("cpu");
  // 1 image, 1x2 pixels, 2 classes
  const base = tf.tensor4d([1, 0, 0, 2], [1, 1, 2, 2]);
  const ys = tf.tensor4d([1, 0.5, 3, 2], [1, 1, 2, 2]);
  const c = await logitChange(ys, base, [0, 0]);
  // |diff| = 0, 0.5, 3, 0: mean 0.875; mean |base| 0.75
  assert.ok(Math.abs(c.relativeChange - 0.875 / 0.75) < 1e-6);
  assert.equal(c.maxChange, 3);
  assert.deepEqual([...c.predicted], [0, 0]); // base: 0, 1
  assert.equal(c.agreement, 0.5);
  assert.equal(c.accuracy, 1);
  assert.deepEqual([...c.map], [0.25, 1.5]);
  assert.ok(Number.isNaN((await logitChange(ys, base)).accuracy));
  tf.dispose([base, ys]);
});
