/**
 * The folded eval-mode forward pass (lib/models/inference.ts) against
 * model.apply(x, {training: false}) on the CNN, the UNets and a generic model:
 * the same logits within 1e-4 relative, the expected plan, no leaks.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { TorchBatchNorm, torchBatchNorm } from "../../lib/models/batch_norm.ts";
import { buildCnn } from "../../lib/models/cnn.ts";
import {
  compileInference,
  compileInferenceAsync,
} from "../../lib/models/inference.ts";
import { buildUNet } from "../../lib/models/unet.ts";
import { seededRng } from "../../lib/random.ts";

const first = await initTf();

/**
 * Random eval-mode statistics for every BatchNorm (a fresh model's are the
 * identity, which would hide a wrong fold): gamma in [0.5, 1.5) (with
 * `negative`, entry 0 of that layer's gamma is -1.3), beta and moving mean in
 * [-0.5, 0.5), moving variance in [0.2, 1.2).
 */
function randomiseBatchNorms(
  model: tf.LayersModel,
  seed: number,
  negative?: string,
): void {
  const rng = seededRng(seed);
  const u = (n: number, lo: number, hi: number) =>
    Array.from({ length: n }, () => lo + (hi - lo) * rng());
  for (const layer of model.layers) {
    if (!(layer instanceof TorchBatchNorm)) continue;
    const n = layer.getWeights()[0].size;
    const gamma = u(n, 0.5, 1.5);
    if (layer.name === negative) gamma[0] = -1.3;
    const values = [gamma, u(n, -0.5, 0.5), u(n, -0.5, 0.5), u(n, 0.2, 1.2)];
    const ts = values.map((v) => tf.tensor1d(v));
    layer.setWeights(ts);
    tf.dispose(ts);
  }
}

/** Grey-ish input in [-0.5, 1). */
function randomInput(shape: [number, number, number, number], seed: number) {
  const rng = seededRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(
    Float32Array.from({ length: n }, () => rng() * 1.5 - 0.5),
    shape,
  );
}

/** Asserts max|a - b| <= 1e-4 max|b|, reading back with data(). */
async function assertClose(a: tf.Tensor, b: tf.Tensor): Promise<void> {
  assert.deepEqual(a.shape, b.shape);
  const [x, y] = await Promise.all([a.data(), b.data()]);
  let diff = 0, scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  assert.ok(scale > 0, "reference logits are all zero");
  assert.ok(
    diff <= 1e-4 * scale,
    `max |compiled - model| = ${diff}, max |model| = ${scale}`,
  );
}

/** Compiles `model`, compares with model.apply over a few calls, checks for leaks. */
async function checkAgainstModel(
  model: tf.LayersModel,
  x: tf.Tensor4D,
): Promise<string[]> {
  const before = tf.memory().numTensors;
  const net = compileInference(model);
  const reference = model.apply(x, { training: false }) as tf.Tensor;
  const compiled = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const y = net.apply(x);
    await assertClose(y, reference);
    y.dispose();
    assert.equal(tf.memory().numTensors, compiled, "apply leaked tensors");
  }
  reference.dispose();
  const steps = net.steps;
  net.dispose();
  assert.equal(tf.memory().numTensors, before, "dispose left tensors behind");
  assert.throws(() => net.apply(x), /disposed/);
  return steps;
}

/**
 * Randomises `model`'s BatchNorms (see randomiseBatchNorms), checks the
 * compiled plan against the model on a random batch of `shape`, asserts the
 * plan's steps, and frees the model and the batch.
 */
async function expectPlan(
  model: tf.LayersModel,
  shape: [number, number, number, number],
  seed: number,
  expected: string[],
  negative?: string,
): Promise<void> {
  randomiseBatchNorms(model, seed, negative);
  const x = randomInput(shape, seed + 10);
  const steps = await checkAgainstModel(model, x);
  assert.deepEqual(steps, expected);
  x.dispose();
  model.dispose();
}

const FOLDED_CNN = [
  "conv1+bn1+relu1 (folded) -> pool1",
  "conv2+bn2+relu2 (folded) -> pool2",
  "conv3+bn3+relu3 (folded)",
  "conv4+bn4+relu4 (folded) -> upsample4",
  "conv5+bn5+relu5 (folded) -> upsample5",
  "conv6",
];

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`compileInference on ${backend}`, async (t) => {
    await tf.setBackend(backend);
    try {
      await t.step("CNN: six folded conv steps, same logits", async () => {
        const model = buildCnn({
          numFilters: 6,
          numColours: 5,
          height: 16,
          width: 12,
          seed: 1,
        });
        await expectPlan(model, [3, 16, 12, 1], 11, FOLDED_CNN);
      });

      await t.step(
        "CNN with a negative BatchNorm scale: that pooled block is not folded",
        async () => {
          const model = buildCnn({
            numFilters: 4,
            numColours: 5,
            height: 8,
            width: 8,
            seed: 2,
          });
          await expectPlan(model, [2, 8, 8, 1], 12, [
            FOLDED_CNN[0],
            "conv2 -> pool2 -> bn2+relu2 (scale-shift: scale not known non-negative)",
            ...FOLDED_CNN.slice(2),
          ], "bn2");
        },
      );

      for (const skipInput of [true, false]) {
        await t.step(
          `UNet (skipInput ${skipInput}): concatenations read in place`,
          async () => {
            const model = buildUNet({
              numFilters: 8,
              numColours: 6,
              height: 8,
              width: 12,
              seed: 3,
              skipInput,
            });
            await expectPlan(model, [2, 8, 12, 1], 13, [
              ...FOLDED_CNN.slice(0, 3),
              "cat4+conv4+bn4+relu4 (folded) -> upsample4",
              "cat5+conv5+bn5+relu5 (folded) -> upsample5",
              skipInput ? "cat6+conv6" : "conv6",
            ]);
          },
        );
      }

      await t.step(
        "other layers and patterns run generically, with the same output",
        async () => {
          const input = tf.input({ shape: [8, 8, 2] });
          const conv = (name: string, strides = 1) =>
            tf.layers.conv2d({
              name,
              filters: 3,
              kernelSize: 3,
              strides,
              padding: "same",
              kernelInitializer: tf.initializers.randomUniform({ seed: 5 }),
              biasInitializer: tf.initializers.randomUniform({ seed: 6 }),
            });
          const apply = (
            l: tf.layers.Layer,
            x: tf.SymbolicTensor | tf.SymbolicTensor[],
          ) => l.apply(x) as tf.SymbolicTensor;
          const a = apply(conv("convA"), input);
          const h = apply(
            tf.layers.reLU({ name: "reluA" }),
            apply(torchBatchNorm({ name: "bnA" }), a),
          );
          // a concatenation with two readers stays a layer; the dropout returns
          // its input tensor itself in eval mode
          const cat = apply(tf.layers.concatenate({ name: "cat" }), [h, input]);
          const b = apply(conv("convB"), cat);
          const sum = apply(tf.layers.add({ name: "add" }), [
            b,
            apply(conv("convC"), cat),
          ]);
          const dropped = apply(
            tf.layers.dropout({ name: "drop", rate: 0.5 }),
            sum,
          );
          const tfBn = apply(
            tf.layers.batchNormalization({ name: "tfbn" }),
            dropped,
          );
          const out = apply(conv("strided", 2), tfBn);
          const model = tf.model({ inputs: input, outputs: out });
          await expectPlan(model, [2, 8, 8, 2], 14, [
            "convA+bnA+reluA (folded)",
            "layer cat (generic)",
            "convB",
            "convC",
            "layer add (generic)",
            "layer drop (generic)",
            "layer tfbn (generic)",
            "layer strided (generic)",
          ]);
        },
      );

      await t.step(
        "compileInferenceAsync folds pooled blocks too",
        async () => {
          const model = buildCnn({
            numFilters: 4,
            numColours: 5,
            height: 8,
            width: 8,
          });
          randomiseBatchNorms(model, 15);
          const x = randomInput([2, 8, 8, 1], 25);
          const net = await compileInferenceAsync(model);
          assert.deepEqual(net.steps, FOLDED_CNN);
          const [a, b] = [
            net.apply(x),
            model.apply(x, { training: false }) as tf.Tensor,
          ];
          await assertClose(a, b);
          tf.dispose([a, b, x]);
          net.dispose();
          model.dispose();
        },
      );
    } finally {
      await tf.setBackend(first.name);
    }
  });
}
