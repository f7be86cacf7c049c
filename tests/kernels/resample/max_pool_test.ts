/**
 * The wasm MaxPool (2x2, stride 2, 'valid': one SIMD pass) against
 * tfjs-backend-cpu; other poolings go to the backend's own kernel.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { onBackend, randomArray, setUp, size } from "../helpers.ts";

Deno.test("wasm MaxPool matches tfjs-backend-cpu", async (t) => {
  await setUp();
  const cases: [number[], number, number, "valid" | "same"][] = [
    [[2, 6, 4, 5], 2, 2, "valid"],
    [[3, 8, 8, 32], 2, 2, "valid"],
    [[1, 4, 7, 3], 2, 2, "valid"], // odd width: the last column is left out
    [[2, 5, 6, 4], 2, 2, "valid"], // odd height: the backend's kernel
    [[2, 6, 6, 4], 3, 2, "same"], // another pooling: the backend's kernel
  ];
  for (const [i, [shape, f, s, pad]] of cases.entries()) {
    const x = randomArray(size(shape), 60 + i);
    x[0] = x[1]; // a tie
    await t.step(`[${shape}] ${f}x${f} /${s} ${pad}`, async () => {
      const op = (xt: tf.Tensor) => tf.maxPool(xt as tf.Tensor4D, f, s, pad);
      const [want] = await onBackend("cpu", [{ data: x, shape }], op);
      const [got] = await onBackend("wasm", [{ data: x, shape }], op);
      assert.deepStrictEqual(Array.from(got), Array.from(want));
    });
  }
});
