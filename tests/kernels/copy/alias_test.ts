import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { setUp } from "../helpers.ts";

Deno.test("wasm Identity and Cast share memory safely", async (t) => {
  await setUp();
  await tf.setBackend("wasm");
  const before = tf.memory();
  await t.step("a clone outlives its source", () => {
    const x = tf.tensor([1.5, -2, 3]);
    const y = tf.clone(x);
    const z = tf.cast(y, "float32");
    x.dispose();
    assert.deepStrictEqual(Array.from(y.dataSync()), [1.5, -2, 3]);
    y.dispose();
    assert.deepStrictEqual(Array.from(z.dataSync()), [1.5, -2, 3]);
    z.dispose();
  });
  await t.step("a dtype change still converts", () => {
    const x = tf.tensor([1.7, -2.2, 3]);
    const i = tf.cast(x, "int32");
    assert.strictEqual(i.dtype, "int32");
    assert.deepStrictEqual(Array.from(i.dataSync()), [1, -2, 3]);
    tf.dispose([x, i]);
  });
  await t.step("gradients through saved (cloned) tensors", () => {
    const x = tf.tensor([1, 2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.square(v), v)))(x);
    assert.deepStrictEqual(Array.from(g.dataSync()), [3, 12, 27]);
    tf.dispose([x, g]);
  });
  const after = tf.memory();
  assert.strictEqual(after.numTensors, before.numTensors);
  assert.strictEqual(after.numBytes, before.numBytes);
  const backend = tf.backend() as unknown as { numDataIds(): number };
  assert.strictEqual(backend.numDataIds(), after.numDataBuffers);
});
