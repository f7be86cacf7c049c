import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import {
  bodyBlocks,
  buildDeepLab,
  featureModel,
  HEAD_NAME,
  headVariables,
  replaceHead,
} from "../../lib/models/deeplab.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...opts,
  name: "buildDeepLab() has n dilated blocks and a 1x1 head, any input size",
  fn: async (t) => {
    await initTf();
    const model = buildDeepLab({
      numBlocks: 3,
      numClasses: 5,
      numFilters: 4,
      dilations: [2, 4],
    });
    await t.step("layers, dilations and head", () => {
      assert.equal(bodyBlocks(model), 3);
      const rates = [1, 2, 3].map((i) =>
        model.getLayer(`block${i}_conv`).getConfig().dilationRate
      );
      assert.deepEqual(rates.map((r) => (Array.isArray(r) ? r[0] : r)), [
        2,
        4,
        2,
      ]);
      assert.equal(model.layers[model.layers.length - 1].name, HEAD_NAME);
      assert.deepEqual(headVariables(model).map((v) => v.shape), [
        [1, 1, 4, 5],
        [5],
      ]);
    });
    await t.step("parameter count by hand", () => {
      // stem 3*3*1*4 + BN 4*4; each block 3*3*4*4 + BN 4*4; head 4*5 + 5.
      assert.equal(model.countParams(), 36 + 16 + 3 * (144 + 16) + 25);
    });
    await t.step("full-resolution output at two sizes", () => {
      for (const s of [8, 13]) {
        const y = tf.tidy(() =>
          (model.predict(tf.zeros([2, s, s, 1])) as tf.Tensor).shape
        );
        assert.deepEqual(y, [2, s, s, 5]);
      }
    });
    await t.step("dilation below 2 is refused", () => {
      assert.throws(
        () => buildDeepLab({ numBlocks: 1, numClasses: 2, dilations: [1] }),
        /dilations/,
      );
    });
    model.dispose();
  },
});

Deno.test({
  ...opts,
  name:
    "replaceHead() copies the body, adds a fresh head, leaves the original alone",
  fn: async () => {
    await initTf();
    const pre = buildDeepLab({
      numBlocks: 2,
      numClasses: 6,
      numFilters: 4,
      seed: 1,
    });
    const seg = replaceHead(pre, { numClasses: 2, seed: 9 });
    assert.deepEqual(headVariables(seg)[0].shape, [1, 1, 4, 2]);
    for (const layer of pre.layers) {
      if (layer.name === HEAD_NAME || layer.getWeights().length === 0) continue;
      const a = layer.getWeights();
      const b = seg.getLayer(layer.name).getWeights();
      for (let i = 0; i < a.length; i++) {
        assert.deepEqual(
          Array.from(b[i].dataSync()),
          Array.from(a[i].dataSync()),
          layer.name,
        );
        assert.notEqual(b[i], a[i], "copied, not shared");
      }
    }
    const x = tf.randomUniform([1, 8, 8, 1], 0, 1, "float32", 4);
    const f1 = featureModel(pre).predict(x) as tf.Tensor;
    const f2 = featureModel(seg).predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(f2.dataSync()), Array.from(f1.dataSync()));
    tf.dispose([x, f1, f2]);
    pre.dispose();
    seg.dispose();
  },
});

/** Loss = sum(R * model(x)), a fixed linear read-out of the logits. */
function loss(
  model: tf.LayersModel,
  x: tf.Tensor,
  r: tf.Tensor,
  training: boolean,
): tf.Scalar {
  return tf.sum(tf.mul(model.apply(x, { training }) as tf.Tensor, r));
}

/**
 * True when `analytic` matches the one-sided difference on either side: a
 * ReLU network is piecewise smooth, and a step may cross a kink on one side.
 */
function matchesOneSided(
  analytic: number,
  f: (d: number) => number,
  eps: number,
  tol: number,
): { ok: boolean; left: number; right: number } {
  const f0 = f(0);
  const left = (f0 - f(-eps)) / eps;
  const right = (f(eps) - f0) / eps;
  const ok =
    Math.min(Math.abs(analytic - left), Math.abs(analytic - right)) <= tol;
  return { ok, left, right };
}

Deno.test({
  ...opts,
  name: "gradients through the dilated blocks match finite differences",
  fn: async (t) => {
    await initTf();
    const model = buildDeepLab({
      numBlocks: 2,
      numClasses: 2,
      numFilters: 3,
      dilations: [2, 3],
      seed: 5,
    });
    const x = tf.randomUniform([2, 9, 9, 1], 0, 1, "float32", 6);
    const r = tf.randomNormal([2, 9, 9, 2], 0, 1, "float32", 7);
    const eps = 2e-4;

    // BatchNorm in training mode updates its running statistics on every
    // call: restore them so that each evaluation sees the same function.
    const state = model.getWeights().map((w) => w.clone());
    const restore = () => model.setWeights(state);
    const cases = [
      ["block1_conv", false],
      ["block2_conv", false],
      ["block1_conv", true],
      ["block1_bn", true],
    ] as const;
    for (const [layer, training] of cases) {
      const mode = training ? "training" : "inference";
      await t.step(`each weight of ${layer} (${mode}-mode BatchNorm)`, () => {
        const v = model.getLayer(layer).trainableWeights[0]
          .read() as tf.Variable;
        const g = tf.variableGrads(() =>
          loss(model, x, r, training), [v]).grads[v.name];
        restore();
        const analytic = g.dataSync();
        const w0 = v.dataSync().slice();
        const scale = Math.max(...Array.from(analytic, Math.abs));
        assert.ok(scale > 0.01, "a gradient to check");
        for (let i = 0; i < w0.length; i++) {
          const at = (d: number) => {
            const w = w0.slice();
            w[i] += d;
            v.assign(tf.tensor(w, v.shape));
            const value = tf.tidy(() =>
              loss(model, x, r, training).dataSync()[0]
            );
            restore();
            return value;
          };
          const m = matchesOneSided(analytic[i], at, eps, 0.01 * scale + 3e-3);
          assert.ok(
            m.ok,
            `weight ${i}: analytic ${
              analytic[i]
            }, numeric ${m.left} / ${m.right}`,
          );
        }
        g.dispose();
      });
    }
    tf.dispose(state);
    tf.dispose([x, r]);
    model.dispose();
  },
});

/** A 3x3 kernel with dilation d as the equivalent (2d+1)x(2d+1) undilated kernel. */
function expandKernel(w: tf.Tensor4D, d: number): tf.Tensor4D {
  const [, , cin, cout] = w.shape;
  const k = 2 * d + 1;
  const e = new Float32Array(k * k * 9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) e[((i * d) * k + j * d) * 9 + i * 3 + j] = 1;
  }
  // [k*k, 9] x [9, cin*cout]: differentiable, so gradients flow back to w.
  return tf.reshape(
    tf.matMul(tf.tensor2d(e, [k * k, 9]), tf.reshape(w, [9, cin * cout])),
    [k, k, cin, cout],
  );
}

Deno.test({
  ...opts,
  name: "a dilated conv's gradients equal those of its undilated equivalent",
  fn: async () => {
    await initTf();
    for (const d of [2, 3]) {
      const x = tf.randomNormal([2, 11, 10, 3], 0, 1, "float32", d);
      const w = tf.randomNormal(
        [3, 3, 3, 4],
        0,
        1,
        "float32",
        10 + d,
      ) as tf.Tensor4D;
      const r = tf.randomNormal([2, 11, 10, 4], 0, 1, "float32", 20 + d);
      const dilated = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.relu(
              tf.conv2d(
                a as tf.Tensor4D,
                b as tf.Tensor4D,
                1,
                "same",
                "NHWC",
                d,
              ),
            ),
            r,
          ),
        )
      )([x, w]);
      const plain = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.relu(
              tf.conv2d(
                a as tf.Tensor4D,
                expandKernel(b as tf.Tensor4D, d),
                1,
                "same",
              ),
            ),
            r,
          ),
        )
      )([x, w]);
      for (const [name, i] of [["input", 0], ["filter", 1]] as const) {
        const a = dilated[i].dataSync();
        const b = plain[i].dataSync();
        const scale = Math.max(...Array.from(b, Math.abs));
        const worst = Math.max(...Array.from(a, (v, k) => Math.abs(v - b[k])));
        assert.ok(
          worst <= 1e-4 * scale,
          `dilation ${d}, ${name} gradient: max diff ${worst} (scale ${scale})`,
        );
      }
      tf.dispose([x, w, r, ...dilated, ...plain]);
    }
  },
});
