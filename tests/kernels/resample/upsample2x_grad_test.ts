/**
 * The x2 upsampling gradient (sums of 2x2 blocks) on wasm and cpu against
 * a float64 reference, and as the gradient of the upsampling layer.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { upsample2xGrad } from "../../../lib/kernels/resample/upsample2x_grad.ts";
import { upsampleNearest2x } from "../../../lib/models/resample.ts";
import {
  assertClose,
  onBackend,
  randomArray,
  setUp,
  size,
} from "../helpers.ts";

const shapes = [[2, 6, 4, 5], [1, 8, 8, 24], [3, 2, 10, 1], [2, 4, 6, 8]];

/** Block sums in float64. */
function reference(dy: Float32Array, [n, h2, w2, c]: number[]): Float32Array {
  const [h, w] = [h2 / 2, w2 / 2];
  const out = new Float32Array(n * h * w * c);
  const at = (b: number, y: number, x: number, k: number) =>
    dy[((b * h2 + y) * w2 + x) * c + k];
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (let k = 0; k < c; k++) {
          out[((b * h + i) * w + j) * c + k] = at(b, 2 * i, 2 * j, k) +
            at(b, 2 * i, 2 * j + 1, k) + at(b, 2 * i + 1, 2 * j, k) +
            at(b, 2 * i + 1, 2 * j + 1, k);
        }
      }
    }
  }
  return out;
}

Deno.test("upsample2xGrad() sums each 2x2 block", async (t) => {
  await setUp();
  for (const [i, shape] of shapes.entries()) {
    const dy = randomArray(size(shape), 30 + i);
    const want = reference(dy, shape);
    for (const backend of ["cpu", "wasm"]) {
      await t.step(`${backend} [${shape}]`, async () => {
        const [got] = await onBackend(
          backend,
          [{ data: dy, shape }],
          (d) => upsample2xGrad(d as tf.Tensor4D),
        );
        assertClose(got, want, "dx", 1e-6);
      });
    }
  }
  await t.step("as the upsampling layer's gradient (wasm)", async () => {
    const shape = [2, 3, 5, 7];
    const x = randomArray(size(shape), 40);
    const r = randomArray(4 * size(shape), 41);
    const [got] = await onBackend(
      "wasm",
      [{ data: x, shape }, { data: r, shape: [2, 6, 10, 7] }],
      (xt, rt) =>
        tf.grad((a: tf.Tensor) =>
          tf.sum(tf.mul(upsampleNearest2x(a as tf.Tensor4D), rt))
        )(xt),
    );
    assertClose(got, reference(r, [2, 6, 10, 7]), "dx", 1e-6);
  });
  await t.step("odd sizes are refused", async () => {
    await tf.setBackend("wasm");
    assert.throws(
      () => tf.tidy(() => upsample2xGrad(tf.zeros([1, 3, 4, 2]))),
      /must be even/,
    );
  });
});
