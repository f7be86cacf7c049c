/**
 * Training on WebGPU is correct: a tiny UNet (conv, BatchNorm, max-pool,
 * upsampling, concatenation, the project's own kernels) takes a few Adam
 * steps on WebGPU and on the cpu backend from the same initial weights, and
 * the losses and gradients agree.
 *
 * Runs on whatever adapter exists; CI has Mesa's software one: lavapipe
 * through Vulkan (Debian: mesa-vulkan-drivers) or llvmpipe through EGL
 * (libegl1, libegl-mesa0, libgl1-mesa-dri); both pass. It FAILS, never
 * skips, when there is no adapter: CI must exercise the GPU path.
 */
import { quietVulkan } from "./fixtures/quiet.ts";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { registerOwnKernels } from "../../lib/kernels/mod.ts";
import { probeGpu } from "../../lib/backend/webgpu.ts";
import { buildUNet } from "../../lib/models/unet.ts";
import { Adam } from "../../lib/train/adam.ts";
import { pixelCrossEntropy } from "../../lib/train/loss.ts";
import { seededRng } from "../../lib/random.ts";

quietVulkan();
const BATCH = 2;
const SIZE = 8;
const NC = 5;
const STEPS = 3;

/** Losses of each step and the first step's gradients, as plain arrays. */
interface Run {
  losses: number[];
  /** In the order of model.trainableWeights (names differ between builds). */
  grads: { name: string; values: Float32Array }[];
}

function data(): { grey: Float32Array; labels: Int32Array } {
  const rng = seededRng(7);
  const n = BATCH * SIZE * SIZE;
  const grey = new Float32Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    grey[i] = rng();
    labels[i] = Math.floor(rng() * NC);
  }
  return { grey, labels };
}

/** Trains a fresh tiny UNet on the current backend. */
async function train(): Promise<Run> {
  const { grey, labels } = data();
  const xs = tf.tensor4d(grey, [BATCH, SIZE, SIZE, 1]);
  const ys = tf.tensor3d(labels, [BATCH, SIZE, SIZE], "int32");
  const model = buildUNet({
    numFilters: 2,
    numColours: NC,
    height: SIZE,
    width: SIZE,
    seed: 3,
  });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const adam = new Adam(vars, { learningRate: 0.01 });
  const losses: number[] = [];
  const grads: Run["grads"] = [];
  for (let step = 0; step < STEPS; step++) {
    const r = tf.variableGrads(
      () =>
        pixelCrossEntropy(model.apply(xs, { training: true }) as tf.Tensor, ys),
      vars,
    );
    if (step === 0) {
      for (const v of vars) {
        grads.push({
          name: v.name,
          values: (await r.grads[v.name].data()) as Float32Array,
        });
      }
    }
    adam.applyGradients(r.grads);
    losses.push((await r.value.data())[0]);
    tf.dispose([r.value, ...Object.values(r.grads)]);
  }
  adam.dispose();
  model.dispose();
  tf.dispose([xs, ys]);
  return { losses, grads };
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

Deno.test({
  name: "a tiny UNet trains identically on WebGPU and cpu",
  // WebGPU keeps device resources alive between steps by design.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const gpu = await probeGpu();
    assert.ok(
      gpu.available,
      `no WebGPU adapter (${gpu.reason}): install Mesa's software adapter (apt-get install mesa-vulkan-drivers, or libegl1 libegl-mesa0 libgl1-mesa-dri) - this test must not be skipped`,
    );

    registerOwnKernels("cpu");
    assert.ok(await tf.setBackend("cpu"));
    const ref = await train();

    registerOwnKernels("webgpu");
    assert.ok(await tf.setBackend("webgpu"), "tf.setBackend('webgpu') failed");
    const before = tf.memory().numTensors;
    const got = await train();

    await t.step(`adapter: ${gpu.description}`, () => {
      assert.equal(tf.getBackend(), "webgpu");
    });

    await t.step("the losses of every step agree and fall", () => {
      for (let i = 0; i < STEPS; i++) {
        assert.ok(
          Math.abs(got.losses[i] - ref.losses[i]) <=
            1e-4 * Math.abs(ref.losses[i]),
          `step ${i}: webgpu ${got.losses[i]} vs cpu ${ref.losses[i]}`,
        );
      }
      assert.ok(ref.losses[STEPS - 1] < ref.losses[0]);
    });

    await t.step("every gradient agrees with cpu", () => {
      assert.equal(got.grads.length, ref.grads.length);
      // Conv biases feeding a BatchNorm have a zero gradient in exact
      // arithmetic (BN removes any shift): both backends return rounding
      // noise there, so differences are also measured against the largest
      // gradient of the model.
      const scale = Math.max(...ref.grads.map((g) => maxAbs(g.values)));
      ref.grads.forEach(({ name, values }, i) => {
        assert.equal(got.grads[i].values.length, values.length);
        const d = maxAbsDiff(got.grads[i].values, values);
        const tol = 1e-4 * maxAbs(values) + 1e-6 * scale;
        assert.ok(d <= tol, `${name}: max |webgpu - cpu| = ${d} > ${tol}`);
      });
    });

    await t.step("no tensors leak", () => {
      assert.equal(tf.memory().numTensors, before);
    });
  },
});
