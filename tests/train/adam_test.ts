import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { Adam } from "../../lib/train/adam.ts";

await initTf();

function step(adam: Adam, p: tf.Variable, g: number): number {
  const grad = tf.scalar(g);
  adam.applyGradients({ [p.name]: grad });
  grad.dispose();
  return p.dataSync()[0];
}

Deno.test("Adam", async (t) => {
  await t.step("two steps computed by hand (PyTorch's formula)", () => {
    const p = tf.variable(tf.scalar(1));
    const adam = new Adam([p], { learningRate: 0.01 });
    // step 1, g = 3: m = 0.1*3 = 0.3, v = 0.001*9 = 0.009, bias corrections 0.1 and 0.001:
    // p -= 0.01/0.1 * 0.3 / (sqrt(0.009)/sqrt(0.001) + 1e-8) = 0.01 * 3/3 -> 0.99
    assert.ok(Math.abs(step(adam, p, 3) - 0.99) < 1e-7);
    // step 2, g = -1: m = 0.27 - 0.1 = 0.17, v = 0.008991 + 0.001 = 0.009991,
    // bias corrections 0.19 and 0.001999: m^ = 0.8947368, v^ = 4.997999, sqrt 2.2356205:
    // p -= 0.01 * 0.8947368 / 2.2356205 = 0.00400217 -> 0.98599783
    assert.ok(Math.abs(step(adam, p, -1) - 0.98599783) < 1e-6);
    assert.equal(adam.iterations, 2);
    adam.dispose();
    p.dispose();
  });

  await t.step(
    "a restored state continues exactly like the original",
    async () => {
      const a = tf.variable(tf.tensor1d([0.5, -2]));
      const adamA = new Adam([a], { learningRate: 0.1 });
      const grads = [[1, 2], [-3, 0.5], [0.25, -1], [2, 2]].map((g) =>
        tf.tensor1d(g)
      );
      adamA.applyGradients({ [a.name]: grads[0] });
      adamA.applyGradients({ [a.name]: grads[1] });
      const state = await adamA.getState();
      const b = tf.variable(a.clone());
      const adamB = new Adam([b], { learningRate: 0.1 });
      adamB.setState(state);
      for (const g of grads.slice(2)) {
        adamA.applyGradients({ [a.name]: g });
        adamB.applyGradients({ [b.name]: g });
      }
      assert.deepEqual(b.dataSync(), a.dataSync());
      assert.equal(adamB.iterations, 4);
      assert.throws(
        () => adamB.setState({ step: 1, m: [], v: [] }),
        /0 variables, the model 1/,
      );
      tf.dispose([a, b, ...grads]);
      adamA.dispose();
      adamB.dispose();
    },
  );
});
