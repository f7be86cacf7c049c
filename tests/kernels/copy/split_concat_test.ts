/**
 * The wasm backend's own SplitV, Concat and Slice (lib/kernels/copy/wasm_split_concat.ts)
 * against tfjs-backend-cpu: every element equal.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { onBackend, randomArray, setUp, size } from "../helpers.ts";

const cases: { shapes: number[][]; axis: number }[] = [
  { shapes: [[2, 5, 5, 3], [2, 5, 5, 4]], axis: 3 },
  { shapes: [[2, 5, 5, 3], [2, 5, 5, 1], [2, 5, 5, 6]], axis: -1 },
  { shapes: [[2, 3, 4], [2, 5, 4]], axis: 1 },
  { shapes: [[3, 4], [1, 4]], axis: 0 },
  { shapes: [[2, 0, 3], [2, 4, 3]], axis: 1 },
  // Rows of 64 floats or more are copied by memory.copy.
  { shapes: [[3, 70], [3, 66], [3, 2]], axis: 1 },
];

Deno.test("wasm Concat and SplitV match tfjs-backend-cpu", async (t) => {
  await setUp();
  for (const [i, { shapes, axis }] of cases.entries()) {
    const data = shapes.map((shape, j) => ({
      data: randomArray(size(shape), 60 + 3 * i + j),
      shape,
    }));
    const a = axis < 0 ? shapes[0].length + axis : axis;
    const f = (...ts: tf.Tensor[]) => {
      const c = tf.concat(ts, axis);
      return [c, ...tf.split(c, shapes.map((s) => s[a]), axis)];
    };
    await t.step(`[${shapes.map((s) => `[${s}]`)}] axis ${axis}`, async () => {
      const want = await onBackend("cpu", data, f);
      const got = await onBackend("wasm", data, f);
      assert.strictEqual(got.length, want.length);
      for (let j = 0; j < got.length; j++) {
        assert.deepStrictEqual(Array.from(got[j]), Array.from(want[j]));
      }
      // The parts are the inputs again.
      for (let j = 0; j < shapes.length; j++) {
        assert.deepStrictEqual(
          Array.from(got[1 + j]),
          Array.from(data[j].data),
        );
      }
    });
  }
  await t.step("int32 and the gradient of concat", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor([[1, 2], [3, 4]], undefined, "int32");
    const y = tf.tensor([[5], [6]], undefined, "int32");
    const xy = tf.concat([x, y], 1);
    assert.strictEqual(xy.dtype, "int32");
    assert.deepStrictEqual(xy.arraySync(), [[1, 2, 5], [3, 4, 6]]);
    const u = tf.tensor([[1, 2], [3, 4]]);
    const v = tf.tensor([[5], [6]]);
    const r = tf.tensor([[1, 2, 3], [4, 5, 6]]);
    const [du, dv] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.mul(tf.concat([p, q], 1), r))
    )([u, v]);
    assert.deepStrictEqual(du.arraySync(), [[1, 2], [4, 5]]);
    assert.deepStrictEqual(dv.arraySync(), [[3], [6]]);
    // bool elements are bytes: the backend's kernels handle them.
    tf.tidy(() => {
      const a = tf.tensor([true, false], [2, 1], "bool");
      const b = tf.tensor([false, true], [2, 1], "bool");
      const ab = tf.concat([a, b], 1);
      assert.deepStrictEqual(ab.arraySync(), [[1, 0], [0, 1]]);
      assert.deepStrictEqual(tf.split(ab, 2, 1).map((t) => t.arraySync()), [[[
        1,
      ], [0]], [[0], [1]]]);
    });
    tf.dispose([x, y, xy, u, v, r, du, dv]);
  });
});

Deno.test("wasm Slice matches tfjs-backend-cpu (contiguous runs and column blocks copied alone)", async (t) => {
  await setUp();
  const shape = [5, 4, 3, 6];
  const data = [{ data: randomArray(size(shape), 90), shape }];
  // [begin, size]: contiguous runs (leading images, one row, part of one
  // pixel, everything, nothing), blocks of columns, and strided ones (the
  // backend's own kernel).
  const slices: [number[], number[]][] = [
    [[0, 0, 0, 0], [1, 4, 3, 6]],
    [[2, 0, 0, 0], [3, -1, -1, -1]],
    [[3, 1, 0, 0], [1, 2, 3, 6]],
    [[4, 3, 2, 1], [1, 1, 1, 4]],
    [[0, 0, 0, 0], [5, 4, 3, 6]],
    [[1, 0, 0, 0], [0, 4, 3, 6]],
    [[0, 1, 0, 0], [5, 2, 3, 6]],
    [[0, 0, 0, 2], [2, 4, 3, 3]],
    // a block of columns (one axis partial: the Concat gradient's slices)
    [[0, 0, 0, 2], [5, 4, 3, 3]],
    [[0, 0, 1, 0], [5, 4, 2, 6]],
    [[0, 0, 0, 5], [5, 4, 3, 1]],
  ];
  const f = (x: tf.Tensor) =>
    slices.map(([b, s]) => tf.slice(x, b, s).reshape([-1]));
  const want = await onBackend("cpu", data, f);
  const got = await onBackend("wasm", data, f);
  slices.forEach(([b, s], j) =>
    assert.deepStrictEqual(Array.from(got[j]), Array.from(want[j]), `${b} ${s}`)
  );
  await t.step("int32", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor([[1, 2], [3, 4], [5, 6]], undefined, "int32");
    const y = tf.slice(x, [1, 0], [2, 2]);
    assert.strictEqual(y.dtype, "int32");
    assert.deepStrictEqual(y.arraySync(), [[3, 4], [5, 6]]);
    tf.dispose([x, y]);
  });
});
