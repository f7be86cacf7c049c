import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { leadingReduction } from "../../../lib/kernels/reduce/wasm_reduce_leading.ts";
import {
  assertClose,
  onBackend,
  randomArray,
  setUp,
  size,
} from "../helpers.ts";

// [shape, axis, keepDims]: leading axes (own kernel), full reductions (own
// when the size allows), and others (the backend's kernel).
const cases: [number[], number | number[], boolean][] = [
  [[7, 5, 3, 33], [0, 1, 2], false],
  [[4, 9, 9, 24], [0, 1, 2], true],
  [[300, 3], 0, false],
  [[5, 6, 7, 1], [2, 0, 1], false],
  [[3, 700, 5], [0, 1], false],
  [[16, 8, 3], [0, 1, 2], false],
  [[5, 7, 3], [0, 1, 2], false],
  [[6, 5, 4], [1, 2], false],
  [[6, 5, 4], -1, true],
];

Deno.test("leadingReduction() recognises leading axes", () => {
  assert.deepStrictEqual(leadingReduction([4, 3, 2], [1, 0]), {
    rows: 12,
    cols: 2,
    full: false,
    axes: [0, 1],
  });
  assert.strictEqual(leadingReduction([4, 3, 2], [1, 2]), null);
  assert.strictEqual(leadingReduction([5, 7, 3], [0, 1, 2]), null);
  assert.strictEqual(leadingReduction([16, 8, 3], [0, 1, 2])?.full, true);
});

Deno.test("wasm Sum and Mean match tfjs-backend-cpu", async (t) => {
  await setUp();
  for (const [i, [shape, axis, keepDims]] of cases.entries()) {
    // An offset makes the float32 rounding of long sums visible.
    const data = randomArray(size(shape), 50 + i).map((v) => v + 3);
    const input = [{ data, shape }];
    for (const op of ["sum", "mean"] as const) {
      await t.step(
        `${op} [${shape}] axis ${axis} keepDims ${keepDims}`,
        async () => {
          const f = (x: tf.Tensor) => tf[op](x, axis, keepDims);
          const [want] = await onBackend("cpu", input, f);
          const [got] = await onBackend("wasm", input, f);
          assertClose(got, want, op);
          await tf.setBackend("wasm");
          const x = tf.tensor(data, shape);
          const y = f(x);
          const ref = tf.tidy(() => tf.sum(tf.zeros(shape), axis, keepDims));
          assert.deepStrictEqual(y.shape, ref.shape);
          tf.dispose([x, y, ref]);
        },
      );
    }
  }
});
