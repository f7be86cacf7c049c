/**
 * End to end: the gradients of one training step of the handout's CNN and
 * UNet (small sizes) on wasm, where every own kernel takes part, against
 * tfjs-backend-cpu.
 */
import * as tf from "@tensorflow/tfjs";
import { buildCnn } from "../../lib/models/cnn.ts";
import { buildUNet } from "../../lib/models/unet.ts";
import { pixelCrossEntropy } from "../../lib/train/loss.ts";
import { softmaxCrossEntropy } from "../../lib/kernels/loss/softmax_cross_entropy.ts";
import assert from "node:assert";
import { randomArray, setUp } from "./helpers.ts";
import { seededRng } from "../../lib/random.ts";

const opts = { numFilters: 8, numColours: 8, height: 12, width: 12, seed: 3 };

async function gradients(
  backend: string,
  kind: "cnn" | "unet",
  loss: typeof pixelCrossEntropy,
  x: Float32Array,
  labels: Int32Array,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const model = kind === "cnn" ? buildCnn(opts) : buildUNet(opts);
  const xs = tf.tensor4d(x, [4, 12, 12, 1]);
  const ys = tf.tensor3d(labels, [4, 12, 12], "int32");
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => loss(model.apply(xs, { training: true }) as tf.Tensor, ys),
    vars,
  );
  const out = [
    value.dataSync() as Float32Array,
    ...vars.map((v) => grads[v.name].dataSync() as Float32Array),
  ];
  tf.dispose([xs, ys, value, grads]);
  model.dispose();
  return out;
}

Deno.test("a training step's gradients on wasm match cpu", async (t) => {
  await setUp();
  const x = randomArray(4 * 12 * 12, 11).map((v) => (v + 1) / 2);
  const rng = seededRng(12);
  const labels = Int32Array.from(
    { length: 4 * 144 },
    () => Math.floor(rng() * 8),
  );
  for (const kind of ["cnn", "unet"] as const) {
    for (
      const [name, loss] of [["pixelCrossEntropy", pixelCrossEntropy], [
        "softmaxCrossEntropy",
        softmaxCrossEntropy,
      ]] as const
    ) {
      await t.step(`${kind}, ${name}`, async () => {
        const want = await gradients("cpu", kind, pixelCrossEntropy, x, labels);
        const got = await gradients("wasm", kind, loss, x, labels);
        // Conv biases before a BatchNorm have a zero gradient in exact
        // arithmetic (~1e-8 of rounding here): compare every gradient to
        // 1e-3 of its own size plus 1e-5 of the largest gradient.
        const scale = Math.max(
          ...want.slice(1).map((g) => Math.max(...g.map(Math.abs))),
        );
        got.forEach((g, i) => {
          let diff = 0;
          let size = 0;
          for (let j = 0; j < g.length; j++) {
            diff = Math.max(diff, Math.abs(g[j] - want[i][j]));
            size = Math.max(size, Math.abs(want[i][j]));
          }
          assert.ok(
            diff <= 1e-3 * size + 1e-5 * scale,
            `${
              i === 0 ? "loss" : `gradient ${i}`
            }: ${diff} vs size ${size}, scale ${scale}`,
          );
        });
      });
    }
  }
});
