/** The filter flip behind input gradients computed as forward convolutions. */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { flipFilter } from "../../../lib/kernels/conv/conv2d_gradient.ts";
import { onBackend, randomArray, setUp, size } from "../helpers.ts";

Deno.test("flipFilter() reverses space and swaps channels", async (t) => {
  await setUp();
  const shape = [3, 2, 4, 5];
  const w = randomArray(size(shape), 9);
  const want = await onBackend(
    "cpu",
    [{ data: w, shape }],
    (f) => tf.transpose(tf.reverse(f, [0, 1]), [0, 1, 3, 2]),
  );
  for (const backend of ["cpu", "wasm"]) {
    await t.step(backend, async () => {
      const [got] = await onBackend(
        backend,
        [{ data: w, shape }],
        (f) => flipFilter(f as tf.Tensor4D),
      );
      assert.deepStrictEqual(Array.from(got), Array.from(want[0]));
    });
  }
});

Deno.test("wasm ResizeNearestNeighbor matches cpu (x2 own, others builtin)", async (t) => {
  await setUp();
  const cases: [number[], [number, number]][] = [
    [[2, 3, 5, 4], [6, 10]],
    [[1, 4, 4, 3], [8, 8]],
    [[3, 2, 3, 33], [4, 6]],
    [[2, 3, 3, 4], [9, 9]],
    [[2, 3, 3, 4], [6, 3]],
  ];
  for (const [shape, newSize] of cases) {
    await t.step(`[${shape}] -> ${newSize}`, async () => {
      const data = [{ data: randomArray(size(shape), 3), shape }];
      const f = (x: tf.Tensor) =>
        tf.image.resizeNearestNeighbor(x as tf.Tensor4D, newSize);
      const [want] = await onBackend("cpu", data, f);
      const [got] = await onBackend("wasm", data, f);
      assert.deepStrictEqual(Array.from(got), Array.from(want));
    });
  }
});
