/**
 * The Concat gradient: one slice of dy per input, only for the inputs that
 * need a gradient.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { onBackend, randomArray, setUp, size } from "../helpers.ts";

Deno.test("Concat gradient: a slice per input, none for inputs without one", async (t) => {
  await setUp();
  const shapes = [[2, 3, 4, 5], [2, 3, 4, 1], [2, 3, 4, 3]];
  const data = shapes.map((shape, i) => ({
    data: randomArray(size(shape), 10 + i),
    shape,
  }));
  const r = { data: randomArray(2 * 3 * 4 * 9, 20), shape: [2, 3, 4, 9] };
  for (const backend of ["cpu", "wasm"]) {
    await t.step(`${backend}: every input`, async () => {
      const got = await onBackend(
        backend,
        [...data, r],
        (a, b, c, rt) =>
          tf.grads((p: tf.Tensor, q: tf.Tensor, s: tf.Tensor) =>
            tf.sum(tf.mul(tf.concat([p, q, s], 3), rt))
          )([a, b, c]),
      );
      // d/dx_i = r's channels of x_i.
      const rr = r.data;
      const want = [[0, 5], [5, 1], [6, 3]].map(([c0, w]) =>
        Float32Array.from(
          { length: 24 * w },
          (_, i) => rr[Math.floor(i / w) * 9 + c0 + (i % w)],
        )
      );
      for (let j = 0; j < 3; j++) {
        assert.deepStrictEqual(Array.from(got[j]), Array.from(want[j]));
      }
    });
    await t.step(`${backend}: only the inputs that need it`, async () => {
      await tf.setBackend(backend);
      const [a, b, c, rt] = [...data, r].map((d) => tf.tensor(d.data, d.shape));
      const profile = await tf.profile(() => {
        const g = tf.grad((p: tf.Tensor) =>
          tf.sum(tf.mul(tf.concat([b, p, c], 3), rt))
        )(a);
        g.dispose();
      });
      const names = profile.kernels.map((k) => k.name);
      assert.equal(names.filter((n) => n === "Slice").length, 1, `${names}`);
      assert.ok(!names.includes("SplitV"), `${names}`);
      tf.dispose([a, b, c, rt]);
    });
  }
});
