import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { onBackend, randomArray, setUp, size } from "../helpers.ts";

Deno.test("Relu gradient: dy where x > 0", async (t) => {
  await setUp();
  for (const shape of [[3, 5, 7, 4], [13], [2, 3, 3]]) {
    const x = randomArray(size(shape), 7);
    x[0] = 0; // the gradient at 0 is 0, as in tfjs
    const dy = randomArray(size(shape), 8);
    const want = Array.from(x, (v, i) => (v > 0 ? dy[i] : 0));
    for (const backend of ["cpu", "wasm"]) {
      await t.step(`${backend} [${shape}]`, async () => {
        const [got] = await onBackend(
          backend,
          [{ data: x, shape }, { data: dy, shape }],
          (xt, dyt) =>
            tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dyt)))(xt),
        );
        assert.deepStrictEqual(Array.from(got, (v) => v + 0), want);
      });
    }
  }
});

Deno.test("Relu on wasm: max(x, 0), as on cpu", async (t) => {
  await setUp();
  for (const shape of [[3, 5, 7, 4], [13], [2, 3, 3], [100, 4, 4, 41]]) {
    const x = randomArray(size(shape), 17);
    x[0] = 0;
    const want = Array.from(x, (v) => (v > 0 ? v : 0));
    await t.step(`[${shape}]`, async () => {
      for (const backend of ["cpu", "wasm"]) {
        const [got] = await onBackend(
          backend,
          [{ data: x, shape }],
          (xt) => tf.relu(xt),
        );
        assert.deepStrictEqual(Array.from(got, (v) => v + 0), want);
      }
    });
  }
  await t.step("int32 goes to the backend's own kernel", async () => {
    await tf.setBackend("wasm");
    const y = tf.relu(tf.tensor([-2, 3, 0], [3], "int32"));
    assert.strictEqual(y.dtype, "int32");
    assert.deepStrictEqual(Array.from(y.dataSync()), [0, 3, 0]);
    y.dispose();
  });
});
