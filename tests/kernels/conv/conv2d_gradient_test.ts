import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import {
  assertClose,
  onBackend,
  randomArray,
  setUp,
  size,
} from "../helpers.ts";

/** One convolution case: x [n,h,w,c], filter [k,k,c,o]. */
interface Case {
  n: number;
  h: number;
  w: number;
  c: number;
  o: number;
  k: number;
  stride: number;
  dilation: number;
  pad: "same" | "valid";
}

const cases: Case[] = [
  { n: 2, h: 7, w: 9, c: 3, o: 5, k: 3, stride: 1, dilation: 1, pad: "same" },
  { n: 3, h: 8, w: 5, c: 4, o: 6, k: 3, stride: 1, dilation: 1, pad: "valid" },
  { n: 2, h: 9, w: 7, c: 5, o: 3, k: 1, stride: 1, dilation: 1, pad: "same" },
  { n: 1, h: 11, w: 10, c: 2, o: 7, k: 5, stride: 1, dilation: 1, pad: "same" },
  { n: 2, h: 9, w: 8, c: 3, o: 4, k: 3, stride: 2, dilation: 1, pad: "same" },
  { n: 2, h: 9, w: 11, c: 3, o: 4, k: 3, stride: 2, dilation: 1, pad: "valid" },
  { n: 2, h: 9, w: 10, c: 3, o: 5, k: 3, stride: 1, dilation: 2, pad: "same" },
  { n: 1, h: 13, w: 11, c: 4, o: 3, k: 3, stride: 1, dilation: 4, pad: "same" },
  { n: 2, h: 12, w: 9, c: 3, o: 2, k: 3, stride: 1, dilation: 2, pad: "valid" },
  { n: 2, h: 10, w: 10, c: 6, o: 5, k: 1, stride: 1, dilation: 2, pad: "same" },
];

function label(c: Case): string {
  return `x[${c.n},${c.h},${c.w},${c.c}] w[${c.k},${c.k},${c.c},${c.o}] ` +
    `s${c.stride} d${c.dilation} ${c.pad}`;
}

/** Inputs of a case: x, filter, and a random upstream gradient dy. */
function inputs(c: Case, seed: number) {
  const xShape: [number, number, number, number] = [c.n, c.h, c.w, c.c];
  const wShape: [number, number, number, number] = [c.k, c.k, c.c, c.o];
  const y = tf.tidy(() =>
    tf.conv2d(
      tf.zeros(xShape) as tf.Tensor4D,
      tf.zeros(wShape) as tf.Tensor4D,
      c.stride,
      c.pad,
      "NHWC",
      c.dilation,
    )
  );
  const dyShape = y.shape;
  y.dispose();
  return [
    { data: randomArray(size(xShape), seed), shape: xShape },
    { data: randomArray(size(wShape), seed + 1), shape: wShape },
    { data: randomArray(size(dyShape), seed + 2), shape: dyShape },
  ];
}

/** Gradients of sum(conv2d(x, w) * dy) through tf.grads (the registry). */
function ownGrads(c: Case) {
  return (x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor) =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.conv2d(
            a as tf.Tensor4D,
            b as tf.Tensor4D,
            c.stride,
            c.pad,
            "NHWC",
            c.dilation,
          ),
          dy,
        ),
      )
    )([x, w]);
}

/** The filter dilated by inserting zeros: [(k-1)d+1, (k-1)d+1, c, o]. */
function dilateFilter(w: tf.Tensor, d: number): tf.Tensor4D {
  const [k, , ci, co] = w.shape;
  const e = (k - 1) * d + 1;
  const buf = tf.buffer([e, e, ci, co]);
  const v = w.arraySync() as number[][][][];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      for (let a = 0; a < ci; a++) {
        for (let b = 0; b < co; b++) buf.set(v[i][j][a][b], i * d, j * d, a, b);
      }
    }
  }
  return buf.toTensor() as tf.Tensor4D;
}

/**
 * The reference on tfjs-backend-cpu with tfjs's own kernels (undilated):
 * dx from conv2dTranspose, dW from Conv2DBackpropFilter; a dilated case uses
 * the zero-filled undilated filter and keeps every d-th tap of its gradient.
 */
function reference(c: Case) {
  return (x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor) => {
    const wd = dilateFilter(w, c.dilation);
    const dx = tf.conv2dTranspose(
      dy as tf.Tensor4D,
      wd,
      x.shape as [number, number, number, number],
      c.stride,
      c.pad,
    );
    const dwFull = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
      strides: c.stride,
      pad: c.pad,
      dataFormat: "NHWC",
      filterShape: wd.shape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    const dw = tf.stridedSlice(dwFull, [0, 0, 0, 0], dwFull.shape, [
      c.dilation,
      c.dilation,
      1,
      1,
    ]);
    return [dx, dw];
  };
}

Deno.test("Conv2D gradient (own kernels) matches tfjs-backend-cpu", async (t) => {
  await setUp();
  for (const [i, c] of cases.entries()) {
    const data = inputs(c, 100 + 10 * i);
    const ref = await onBackend("cpu", data, reference(c));
    for (const backend of ["cpu", "wasm"]) {
      await t.step(`${backend} ${label(c)}`, async () => {
        const [dx, dw] = await onBackend(backend, data, ownGrads(c));
        assertClose(dx, ref[0], "dx");
        assertClose(dw, ref[1], "dw");
      });
    }
  }
});

Deno.test("dilated Conv2D gradient matches finite differences", async (t) => {
  await setUp();
  const c: Case = {
    n: 1,
    h: 7,
    w: 6,
    c: 2,
    o: 2,
    k: 3,
    stride: 1,
    dilation: 2,
    pad: "same",
  };
  const data = inputs(c, 7);
  // The loss sum(conv2d(x, w) * dy) is linear in x and in w, so central
  // differences are exact up to rounding; a step of 0.5 keeps rounding small.
  const loss = (x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor) =>
    tf.sum(
      tf.mul(
        tf.conv2d(
          x as tf.Tensor4D,
          w as tf.Tensor4D,
          1,
          c.pad,
          "NHWC",
          c.dilation,
        ),
        dy,
      ),
    );
  for (const backend of ["cpu", "wasm"]) {
    await t.step(backend, async () => {
      const [dx, dw] = await onBackend(backend, data, ownGrads(c));
      const eps = 0.5;
      for (const [which, grad] of [[0, dx], [1, dw]] as const) {
        const n = data[which].data.length;
        const numeric = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const plus = data.map((d) => ({ ...d, data: d.data.slice() }));
          const minus = data.map((d) => ({ ...d, data: d.data.slice() }));
          plus[which].data[i] += eps;
          minus[which].data[i] -= eps;
          const [lp] = await onBackend(backend, plus, loss);
          const [lm] = await onBackend(backend, minus, loss);
          numeric[i] = (lp[0] - lm[0]) / (2 * eps);
        }
        assertClose(grad, numeric, which === 0 ? "dx" : "dw", 1e-3);
      }
    });
  }
});

Deno.test("a dilated tfjs-layers conv2d trains on wasm as on cpu", async () => {
  await setUp();
  const xData = randomArray(2 * 9 * 9 * 3, 1);
  const yData = randomArray(2 * 9 * 9 * 4, 2);
  const weights: Float32Array[][] = [];
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    const layer = tf.layers.conv2d({
      filters: 4,
      kernelSize: 3,
      padding: "same",
      dilationRate: 2,
      inputShape: [9, 9, 3],
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    });
    const model = tf.sequential({ layers: [layer] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
    const xs = tf.tensor(xData, [2, 9, 9, 3]);
    const ys = tf.tensor(yData, [2, 9, 9, 4]);
    await model.trainOnBatch(xs, ys);
    weights.push(model.getWeights().map((w) => w.dataSync() as Float32Array));
    tf.dispose([xs, ys]);
    model.dispose();
  }
  assert.strictEqual(weights[0].length, 2);
  assertClose(weights[1][0], weights[0][0], "kernel after one step");
  assertClose(weights[1][1], weights[0][1], "bias after one step");
});
