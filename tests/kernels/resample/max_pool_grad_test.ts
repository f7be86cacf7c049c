import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { maxPool2x2Grad } from "../../../lib/kernels/resample/max_pool_grad.ts";
import { onBackend, randomArray, setUp, size } from "../helpers.ts";

/** The rule written out in loops: dy goes to the first window maximum (row-major). */
function reference(
  x: Float32Array,
  dy: Float32Array,
  shape: number[],
): Float32Array {
  const [n, h, w, c] = shape;
  const oh = Math.floor(h / 2);
  const ow = Math.floor(w / 2);
  const dx = new Float32Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let k = 0; k < c; k++) {
          const at = (r: number, s: number) => ((b * h + r) * w + s) * c + k;
          const win = [
            at(2 * i, 2 * j),
            at(2 * i, 2 * j + 1),
            at(2 * i + 1, 2 * j),
            at(2 * i + 1, 2 * j + 1),
          ];
          const m = Math.max(...win.map((p) => x[p]));
          const first = win.find((p) => x[p] === m)!;
          dx[first] = dy[((b * oh + i) * ow + j) * c + k];
        }
      }
    }
  }
  return dx;
}

Deno.test("maxPool2x2Grad() sends dy to the first window maximum", async (t) => {
  await setUp();
  const shapes = [[2, 6, 8, 5], [1, 7, 5, 8], [3, 4, 4, 1], [2, 8, 6, 33]];
  for (const [i, shape] of shapes.entries()) {
    const x = randomArray(size(shape), 30 + i).map((v) => v - 0.7); // many all-negative windows
    // Ties: copy some elements onto their neighbour.
    for (let p = 0; p + 1 < x.length; p += 7) x[p + 1] = x[p];
    const oshape = [
      shape[0],
      Math.floor(shape[1] / 2),
      Math.floor(shape[2] / 2),
      shape[3],
    ];
    const dy = randomArray(size(oshape), 40 + i);
    const want = reference(x, dy, shape);
    for (const backend of ["cpu", "wasm"]) {
      await t.step(`${backend} [${shape}]`, async () => {
        const [got] = await onBackend(
          backend,
          [{ data: x, shape }, { data: dy, shape: oshape }],
          (xt, dyt) =>
            maxPool2x2Grad(
              xt as tf.Tensor4D,
              tf.maxPool(xt as tf.Tensor4D, 2, 2, "valid"),
              dyt as tf.Tensor4D,
            ),
        );
        // + 0 turns the -0 of 0 * negative into 0.
        assert.deepStrictEqual(Array.from(got, (v) => v + 0), Array.from(want));
        // ties must not multiply the gradient: each window passes on dy once
        const sum = (a: ArrayLike<number>) =>
          Array.from(a).reduce((s, v) => s + v, 0);
        assert.ok(Math.abs(sum(got) - sum(dy)) <= 1e-4 * sum(dy.map(Math.abs)));
      });
    }
  }
});
