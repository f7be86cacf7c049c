import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initTf } from "../../lib/backend.ts";
import { maxPool2x2, upsampleNearest2x } from "../../lib/models/resample.ts";

const first = await initTf();

/** Plain-JS references on [1, H, W, 1] data. */
function poolRef(
  x: number[],
  h: number,
  w: number,
): { y: number[]; argmax: number[] } {
  const y: number[] = [];
  const argmax: number[] = [];
  for (let i = 0; i < h / 2; i++) {
    for (let j = 0; j < w / 2; j++) {
      let best = -Infinity;
      let at = -1;
      for (const [di, dj] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const k = (2 * i + di) * w + 2 * j + dj;
        if (x[k] > best) [best, at] = [x[k], k];
      }
      y.push(best);
      argmax.push(at);
    }
  }
  return { y, argmax };
}

// Each backend in turn: tfjs 4.22's wasm MaxPoolGrad and cpu
// ResizeNearestNeighborGrad are wrong, which is why these layers exist.
for (const backend of ["cpu", "wasm"]) {
  Deno.test(`maxPool2x2 and upsampleNearest2x on ${backend}`, async (t) => {
    await tf.setBackend(backend);
    const h = 4, w = 6;
    // All negative, distinct values: the case the wasm kernel gets wrong.
    const x = Array.from({ length: h * w }, (_, i) => -1 - ((i * 7) % 24) / 10);
    const dy = Array.from({ length: (h / 2) * (w / 2) }, (_, i) => i + 1);

    await t.step(
      "max-pool forward and gradient route to each window's maximum",
      () => {
        const { y, argmax } = poolRef(x, h, w);
        const xt = tf.tensor4d(x, [1, h, w, 1]);
        const dyt = tf.tensor4d(dy, [1, h / 2, w / 2, 1]);
        const out = maxPool2x2(xt);
        assert.deepEqual(Array.from(out.dataSync()), y.map(Math.fround));
        const g = tf.grad((a) =>
          tf.sum(tf.mul(maxPool2x2(a as tf.Tensor4D), dyt))
        )(xt);
        const expected = new Array(h * w).fill(0);
        argmax.forEach((k, i) => (expected[k] = dy[i]));
        assert.deepEqual(Array.from(g.dataSync()), expected);
        tf.dispose([xt, dyt, out, g]);
      },
    );

    await t.step(
      "upsample forward copies, gradient sums each 2x2 block",
      () => {
        const small = [1, 2, 3, 4, 5, 6]; // [1, 2, 3, 1]
        const xt = tf.tensor4d(small, [1, 2, 3, 1]);
        const up = upsampleNearest2x(xt);
        assert.deepEqual(up.shape, [1, 4, 6, 1]);
        assert.deepEqual(Array.from(up.dataSync()), [
          ...[1, 1, 2, 2, 3, 3],
          ...[1, 1, 2, 2, 3, 3],
          ...[4, 4, 5, 5, 6, 6],
          ...[4, 4, 5, 5, 6, 6],
        ]);
        const g = tf.grad((a) =>
          tf.sum(
            tf.mul(
              upsampleNearest2x(a as tf.Tensor4D),
              tf.tensor4d(x, [1, h, w, 1]),
            ),
          )
        )(xt);
        const expected = [0, 1].flatMap((i) =>
          [0, 1, 2].map((j) =>
            x[2 * i * w + 2 * j] + x[2 * i * w + 2 * j + 1] +
            x[(2 * i + 1) * w + 2 * j] + x[(2 * i + 1) * w + 2 * j + 1]
          )
        );
        const got = Array.from(g.dataSync());
        expected.forEach((e, i) =>
          assert.ok(Math.abs(got[i] - e) < 1e-5, `${got[i]} vs ${e}`)
        );
        tf.dispose([xt, up, g]);
      },
    );
    await tf.setBackend(first.name);
  });
}
