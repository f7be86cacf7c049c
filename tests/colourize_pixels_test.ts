import assert from "node:assert/strict";
import { colourizeFromLabels, modelInputOf } from "../lib/colourize_pixels.ts";

Deno.test("modelInputOf(): (R + G + B) / 768 per pixel, unrounded", () => {
  const x = modelInputOf({
    data: Uint8Array.from([0, 0, 0, 255, 255, 255, 1, 2, 4]),
    width: 3,
    height: 1,
    channels: 3,
  });
  assert.deepEqual([...x], [0, 765 / 768, 7 / 768].map(Math.fround));
  assert.throws(
    () =>
      modelInputOf({
        data: new Uint8Array(1),
        width: 1,
        height: 1,
        channels: 1,
      }),
    /RGB bytes expected/,
  );
});

Deno.test("colourizeFromLabels(): palette colours, nearest-neighbour in palette mode", () => {
  const palette = {
    colours: Float32Array.from([0, 0, 0, 0.5, 0.25, 1]),
    numColours: 2,
    description: "2",
  };
  const original = {
    data: new Uint8Array(4 * 2 * 3).fill(100),
    width: 4,
    height: 2,
    channels: 3 as const,
  };
  const { prediction, colourized } = colourizeFromLabels(
    original,
    [0, 1],
    palette,
    { width: 2, height: 1 },
    "palette",
  );
  assert.deepEqual([...prediction.data], [0, 0, 0, 128, 64, 255]);
  assert.deepEqual([colourized.width, colourized.height], [4, 2]);
  assert.deepEqual([...colourized.data.subarray(0, 12)], [
    0,
    0,
    0,
    0,
    0,
    0,
    128,
    64,
    255,
    128,
    64,
    255,
  ]);
});
