import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { batchNormTrain } from "../../../lib/kernels/batch_norm/batch_norm_train.ts";
import {
  assertClose,
  onBackend,
  randomArray,
  setUp,
  size,
} from "../helpers.ts";

const shapes = [[4, 5, 7, 6], [3, 8, 8, 1], [2, 9, 3, 25], [5, 3, 3, 32]];
const eps = 1e-5;

/** BatchNorm written naively; tfjs autodiff gives its gradient. */
function naive(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes);
  return tf.add(
    tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g),
    b,
  );
}

/** y, mean, variance and the gradients of sum(y * r) for x, gamma, beta. */
function run(useOwn: boolean) {
  return (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, r: tf.Tensor) => {
    const stats: tf.Tensor[] = [];
    const f = (xa: tf.Tensor, ga: tf.Tensor, ba: tf.Tensor) =>
      useOwn
        ? batchNormTrain(xa, ga as tf.Tensor1D, ba as tf.Tensor1D, {
          epsilon: eps,
          onStats: (m, v) => stats.push(tf.keep(m.clone()), tf.keep(v.clone())),
        })
        : naive(xa, ga, ba);
    const y = f(x, g, b);
    const grads = tf.grads((xa: tf.Tensor, ga: tf.Tensor, ba: tf.Tensor) =>
      tf.sum(tf.mul(f(xa, ga, ba), r))
    )([x, g, b]);
    const out = [y, ...grads, ...stats.slice(0, 2)];
    tf.dispose(stats.slice(2));
    return out;
  };
}

Deno.test("batchNormTrain() matches autodiff of the formula", async (t) => {
  await setUp();
  for (const [i, shape] of shapes.entries()) {
    const C = shape[3];
    const data = [
      { data: randomArray(size(shape), 1 + i).map((v) => 2 * v + 0.5), shape },
      { data: randomArray(C, 2 + i).map((v) => v + 1.5), shape: [C] },
      { data: randomArray(C, 3 + i), shape: [C] },
      { data: randomArray(size(shape), 4 + i), shape },
    ];
    const ref = await onBackend("cpu", data, run(false));
    for (const backend of ["cpu", "wasm"]) {
      await t.step(`${backend} [${shape}]`, async () => {
        const got = await onBackend(backend, data, run(true));
        assert.strictEqual(got.length, 6);
        for (const [j, what] of ["y", "dx", "dGamma", "dBeta"].entries()) {
          assertClose(got[j], ref[j], what);
        }
        // Batch statistics: the mean and biased variance per channel.
        const x = data[0].data;
        const n = x.length / C;
        for (let c = 0; c < C; c++) {
          let s = 0;
          let s2 = 0;
          for (let p = 0; p < n; p++) s += x[p * C + c];
          const m = s / n;
          for (let p = 0; p < n; p++) s2 += (x[p * C + c] - m) ** 2;
          assert.ok(Math.abs(got[4][c] - m) < 1e-5, `mean[${c}]`);
          assert.ok(Math.abs(got[5][c] - s2 / n) < 1e-5, `variance[${c}]`);
        }
      });
    }
  }
});
