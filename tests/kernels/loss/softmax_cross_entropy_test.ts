import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { softmaxCrossEntropy } from "../../../lib/kernels/loss/softmax_cross_entropy.ts";
import { assertClose, randomArray, setUp } from "../helpers.ts";
import { seededRng } from "../../../lib/random.ts";

/** Loss and gradient in float64 loops. */
function reference(x: Float32Array, labels: Int32Array, C: number) {
  const rows = labels.length;
  const grad = new Float32Array(x.length);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.subarray(r * C, r * C + C));
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    total += Math.log(s) + m - row[labels[r]];
    for (let c = 0; c < C; c++) {
      grad[r * C + c] = (e[c] / s - (c === labels[r] ? 1 : 0)) / rows;
    }
  }
  return { loss: total / rows, grad };
}

Deno.test("softmaxCrossEntropy() matches a float64 reference", async (t) => {
  await setUp();
  for (
    const [shape, spread] of [[[3, 5, 7, 24], 4], [[2, 4, 4, 8], 60], [[
      4,
      3,
      3,
      6,
    ], 2]] as const
  ) {
    const C = shape[3];
    const rows = shape[0] * shape[1] * shape[2];
    const x = randomArray(rows * C, C).map((v) => v * spread);
    const rng = seededRng(C + 1);
    const labels = Int32Array.from(
      { length: rows },
      () => Math.floor(rng() * C),
    );
    const want = reference(x, labels, C);
    for (const backend of ["cpu", "wasm"]) {
      await t.step(`${backend} [${shape}] logits +-${spread}`, async () => {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const xt = tf.tensor(x, [...shape]);
        const lt = tf.tensor(labels, shape.slice(0, 3), "int32");
        const [loss, grad] = tf.tidy(() => {
          const g = tf.grad((a: tf.Tensor) => softmaxCrossEntropy(a, lt))(xt);
          return [softmaxCrossEntropy(xt, lt), g];
        });
        assert.ok(
          Math.abs(loss.dataSync()[0] - want.loss) <=
            1e-5 * Math.max(1, want.loss),
        );
        assert.deepStrictEqual(grad.shape, [...shape]);
        assertClose(grad.dataSync() as Float32Array, want.grad, "gradient");
        // An upstream gradient other than 1 scales it.
        const g3 = tf.grad((a: tf.Tensor) =>
          tf.mul(softmaxCrossEntropy(a, lt), 3)
        )(xt);
        assertClose(
          g3.dataSync() as Float32Array,
          want.grad.map((v) => 3 * v),
          "3 x gradient",
        );
        g3.dispose();
        tf.dispose([xt, lt, loss, grad]);
        assert.strictEqual(tf.memory().numTensors, before);
      });
    }
  }
  await t.step("a label outside the palette is an error", async () => {
    await tf.setBackend("wasm");
    const xt = tf.zeros([2, 8]);
    const lt = tf.tensor([1, 8], [2], "int32");
    assert.throws(() => softmaxCrossEntropy(xt, lt), /label 8 at pixel 1/);
    tf.dispose([xt, lt]);
  });
});
