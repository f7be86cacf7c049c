import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { TorchBatchNorm, torchBatchNorm } from "../../lib/models/batch_norm.ts";

await initTf();

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-5,
): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `[${i}] ${actual[i]} vs ${expected[i]}`,
    );
  }
}

// x is [2, 1, 2, 2] (N, H, W, C): channel 0 holds 1, 2, 3, 6 and channel 1 holds 0, 0, 0, 4.
const X = [1, 0, 2, 0, 3, 0, 6, 4];
// Channel 0: mean 3, squared deviations 4 + 1 + 0 + 9 = 14: biased variance 14/4 = 3.5,
//   unbiased 14/3. Channel 1: mean 1, squared deviations 1 + 1 + 1 + 9 = 12: biased 3, unbiased 4.
const MEAN = [3, 1];
const BIASED_VAR = [3.5, 3];
// PyTorch after one training step from running mean 0 and running var 1, momentum 0.1:
// running_mean = 0.9 * 0 + 0.1 * [3, 1] = [0.3, 0.1]
// running_var = 0.9 * 1 + 0.1 * [14/3, 4] = [0.9 + 0.4666667, 0.9 + 0.4] = [1.3666667, 1.3]
const RUNNING_MEAN = [0.3, 0.1];
const RUNNING_VAR = [1.3666667, 1.3];

function normalise(x: number[], mean: number[], variance: number[]): number[] {
  return x.map((v, i) => (v - mean[i % 2]) / Math.sqrt(variance[i % 2] + 1e-5));
}

Deno.test("TorchBatchNorm", async (t) => {
  await t.step("defaults are PyTorch's", () => {
    const bn = torchBatchNorm();
    assert.equal(bn.epsilon, 1e-5);
    assert.equal(bn.momentum, 0.1);
  });

  await t.step(
    "training step: batch statistics, then PyTorch's running statistics",
    () => {
      const bn = torchBatchNorm({ name: "bn" });
      const x = tf.tensor4d(X, [2, 1, 2, 2]);
      const y = bn.apply(x, { training: true }) as tf.Tensor;
      assertClose(y.dataSync(), normalise(X, MEAN, BIASED_VAR));
      const [gamma, beta, mean, variance] = bn.getWeights().map((w) =>
        Array.from(w.dataSync())
      );
      assert.deepEqual(gamma, [1, 1]);
      assert.deepEqual(beta, [0, 0]);
      assertClose(mean, RUNNING_MEAN, 1e-6);
      assertClose(variance, RUNNING_VAR, 1e-6);
      tf.dispose([x, y]);
    },
  );

  await t.step(
    "inference uses the running statistics and changes nothing",
    () => {
      const bn = torchBatchNorm();
      const x = tf.tensor4d(X, [2, 1, 2, 2]);
      tf.dispose(bn.apply(x, { training: true }) as tf.Tensor);
      const y = bn.apply(x, { training: false }) as tf.Tensor;
      assertClose(y.dataSync(), normalise(X, RUNNING_MEAN, RUNNING_VAR));
      const [, , mean] = bn.getWeights().map((w) => Array.from(w.dataSync()));
      assertClose(mean, RUNNING_MEAN, 1e-6);
      tf.dispose([x, y]);
    },
  );

  await t.step("hand-written gradient equals autodiff of the formula", () => {
    const bn = torchBatchNorm();
    const x = tf.randomUniform([3, 4, 4, 5], -2, 3, "float32", 9);
    const dy = tf.randomUniform([3, 4, 4, 5], -1, 1, "float32", 11);
    tf.dispose(bn.apply(x, { training: false }) as tf.Tensor); // build
    const gamma = tf.randomUniform([5], 0.5, 2, "float32", 12);
    const beta = tf.randomUniform([5], -1, 1, "float32", 13);
    bn.setWeights([gamma, beta, tf.zeros([5]), tf.ones([5])]);
    const vars = [
      x.variable(),
      ...bn.trainableWeights.map((w) => w.read() as tf.Variable),
    ];
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(tf.mul(bn.apply(vars[0], { training: true }) as tf.Tensor, dy)),
      vars,
    );
    const ref = tf.grads((a, g, b) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      const y = tf.add(
        tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5))), g),
        b,
      );
      return tf.sum(tf.mul(y, dy));
    })([x, gamma, beta]);
    vars.forEach((v, i) => {
      const r = ref[i].dataSync();
      const scale = Math.max(...Array.from(r).map(Math.abs));
      assertClose(grads[v.name].dataSync(), r, 1e-5 * scale + 1e-6);
    });
    tf.dispose([x, dy, gamma, beta, vars[0], ...ref, ...Object.values(grads)]);
  });

  await t.step(
    "gamma and beta gradients are sum(dy * xhat) and sum(dy)",
    () => {
      const bn = torchBatchNorm();
      const x = tf.tensor4d(X, [2, 1, 2, 2]);
      const dy = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 2, 2]);
      tf.dispose(bn.apply(x, { training: false }) as tf.Tensor);
      const vars = bn.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(bn.apply(x, { training: true }) as tf.Tensor, dy)),
        vars,
      );
      const xhat = normalise(X, MEAN, BIASED_VAR);
      const dyv = [1, 2, 3, 4, 5, 6, 7, 8];
      const dGamma = [0, 1].map((c) =>
        xhat.reduce((s, v, i) => (i % 2 === c ? s + v * dyv[i] : s), 0)
      );
      // dbeta: channel 0 gets 1 + 3 + 5 + 7 = 16, channel 1 gets 2 + 4 + 6 + 8 = 20
      assertClose(grads[vars[1].name].dataSync(), [16, 20]);
      assertClose(grads[vars[0].name].dataSync(), dGamma);
      tf.dispose([x, dy, ...Object.values(grads)]);
    },
  );

  await t.step("serializes with its settings", async () => {
    const input = tf.input({ shape: [2, 2, 3] });
    const model = tf.model({
      inputs: input,
      outputs: torchBatchNorm({ name: "bn", epsilon: 2e-5, momentum: 0.2 })
        .apply(input) as tf.SymbolicTensor,
    });
    const topology = model.toJSON(
      undefined,
      false,
    ) as tf.serialization.ConfigDict;
    assert.match(JSON.stringify(topology), /"class_name":"TorchBatchNorm"/);
    const restored = await tf.models.modelFromJSON({ modelTopology: topology });
    const layer = restored.getLayer("bn");
    assert.ok(layer instanceof TorchBatchNorm);
    assert.equal(layer.epsilon, 2e-5);
    assert.equal(layer.momentum, 0.2);
    model.dispose();
    restored.dispose();
  });
});
