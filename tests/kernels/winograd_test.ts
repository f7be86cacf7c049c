/**
 * Winograd F(2x2, 3x3) (wasm Conv2D, FusedConv2D, the input and filter
 * gradients, and the plain-array versions) against tfjs-backend-cpu or a
 * float64 reference on odd shapes:
 * odd output sizes (partial tiles), 'same' / 'valid' / explicit padding,
 * channel counts off multiples of 4 and 16, more tiles than one block, bias
 * and ReLU; convolutions it does not apply to go to XNNPACK.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { convGeometry } from "../../lib/kernels/conv_geometry.ts";
import {
  BLOCK_TILES,
  tileCount,
  winogradApplies,
  winogradConvSimd,
  winogradFilterGradSimd,
} from "../../lib/kernels/winograd.ts";
import { filterGradJs } from "../../lib/kernels/filter_grad_js.ts";
import { assertClose, onBackend, randomArray, setUp } from "./helpers.ts";

type Pad =
  | "same"
  | "valid"
  | [[0, 0], [number, number], [number, number], [0, 0]];

// [N, H, W, C, K, pad]
const shapes: [number, number, number, number, number, Pad][] = [
  [2, 7, 9, 4, 16, "same"],
  [3, 8, 5, 5, 24, "valid"],
  [2, 9, 7, 6, 3, "same"],
  [1, 11, 10, 33, 7, "same"],
  [2, 6, 6, 8, 40, "valid"],
  [1, 10, 8, 7, 20, [[0, 0], [2, 0], [1, 3], [0, 0]]],
  [3, 17, 15, 24, 25, "same"],
  [1, 3, 3, 4, 4, "valid"],
];

function label([n, h, w, c, k, pad]: typeof shapes[number]): string {
  return `x[${n},${h},${w},${c}] ->${k} ${JSON.stringify(pad)}`;
}

Deno.test("Winograd F(2x2, 3x3) on wasm matches tfjs-backend-cpu", async (t) => {
  await setUp();
  for (const [i, shape] of shapes.entries()) {
    const [n, h, w, c, k, pad] = shape;
    const g = convGeometry([n, h, w, c], [3, 3, c, k], { strides: 1, pad });
    assert.ok(winogradApplies(g), label(shape));
    const inputs = [
      { data: randomArray(n * h * w * c, 10 + i), shape: [n, h, w, c] },
      { data: randomArray(9 * c * k, 20 + i), shape: [3, 3, c, k] },
      { data: randomArray(k, 30 + i), shape: [k] },
      {
        data: randomArray(n * g.outH * g.outW * k, 40 + i),
        shape: [n, g.outH, g.outW, k],
      },
    ];
    await t.step(label(shape), async () => {
      const ops = (
        x: tf.Tensor,
        wt: tf.Tensor,
        b: tf.Tensor,
        dy: tf.Tensor,
      ) => [
        tf.conv2d(x as tf.Tensor4D, wt as tf.Tensor4D, 1, pad),
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: wt as tf.Tensor4D,
          strides: 1,
          pad,
          bias: b,
          activation: "relu",
        }),
        tf.conv2dTranspose(
          dy as tf.Tensor4D,
          wt as tf.Tensor4D,
          [n, h, w, c],
          1,
          pad,
        ),
        tf.grad((f: tf.Tensor) =>
          tf.sum(
            tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, pad), dy),
          )
        )(wt),
      ];
      const want = await onBackend("cpu", inputs, ops);
      const got = await onBackend("wasm", inputs, ops);
      assertClose(got[0], want[0], "conv2d");
      assertClose(got[1], want[1], "conv2d + bias + relu");
      assertClose(got[2], want[2], "input gradient");
      assertClose(got[3], want[3], "filter gradient");
    });
  }
});

Deno.test("winogradConvSimd: several blocks, bias and ReLU", async () => {
  await setUp();
  const [n, h, w, c, k] = [3, 13, 11, 6, 21];
  const g = convGeometry([n, h, w, c], [3, 3, c, k], {
    strides: 1,
    pad: "same",
  });
  assert.ok(tileCount(g) > 3 * BLOCK_TILES);
  const x = randomArray(n * h * w * c, 1);
  const wt = randomArray(9 * c * k, 2);
  const b = randomArray(k, 3);
  const [want] = await onBackend(
    "cpu",
    [
      { data: x, shape: [n, h, w, c] },
      { data: wt, shape: [3, 3, c, k] },
      { data: b, shape: [k] },
    ],
    (xt, wtt, bt) =>
      tf.relu(
        tf.add(tf.conv2d(xt as tf.Tensor4D, wtt as tf.Tensor4D, 1, "same"), bt),
      ),
  );
  assertClose(winogradConvSimd(x, wt, g, { bias: b, relu: true }), want, "y");
  assert.throws(
    () =>
      winogradConvSimd(
        x,
        wt,
        convGeometry([n, h, w, c], [3, 3, c, k], { strides: 2, pad: "same" }),
      ),
    /not a 3x3 stride-1/,
  );
});

Deno.test("winogradFilterGradSimd matches the float64 JS reference", () => {
  for (const [i, [n, h, w, c, k, pad]] of shapes.entries()) {
    const g = convGeometry([n, h, w, c], [3, 3, c, k], { strides: 1, pad });
    const x = randomArray(n * h * w * c, 80 + i);
    const dy = randomArray(n * g.outH * g.outW * k, 90 + i);
    assertClose(
      winogradFilterGradSimd(x, dy, g),
      filterGradJs(x, dy, g),
      `dW ${JSON.stringify([n, h, w, c, k, pad])}`,
    );
  }
});

Deno.test("convolutions Winograd does not take go to XNNPACK", async () => {
  await setUp();
  const cases: [number[], number[], number, number, string][] = [
    // [x shape, filter shape, stride, dilation, activation]
    [[2, 9, 8, 1, 0], [3, 3, 1, 32], 1, 1, "relu"], // one input channel
    [[2, 9, 8, 6, 0], [3, 3, 6, 8], 2, 1, "linear"], // stride 2
    [[2, 9, 8, 6, 0], [3, 3, 6, 8], 1, 2, "relu"], // dilation 2
    [[2, 9, 8, 6, 0], [5, 5, 6, 8], 1, 1, "linear"], // 5x5
    [[2, 9, 8, 6, 0], [3, 3, 6, 8], 1, 1, "elu"], // other activation
  ];
  for (const [i, [xs, fs, s, d, act]] of cases.entries()) {
    const xShape = xs.slice(0, 4);
    const inputs = [
      {
        data: randomArray(xShape.reduce((a, b) => a * b), 50 + i),
        shape: xShape,
      },
      { data: randomArray(fs.reduce((a, b) => a * b), 60 + i), shape: fs },
      { data: randomArray(fs[3], 70 + i), shape: [fs[3]] },
    ];
    const op = (x: tf.Tensor, wt: tf.Tensor, b: tf.Tensor) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: wt as tf.Tensor4D,
        strides: s,
        pad: "same",
        dilations: d,
        bias: b,
        activation: act as "relu",
      });
    const [want] = await onBackend("cpu", inputs, op);
    const [got] = await onBackend("wasm", inputs, op);
    assertClose(got, want, `case ${i}`);
  }
});
