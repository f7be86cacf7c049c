/**
 * Winograd F(4x4, 3x3) (wasm Conv2D, FusedConv2D, the input gradient, the
 * filter gradient, the convolution of a concatenation, the plain-array
 * versions) against tfjs-backend-cpu or a float64 reference on odd shapes:
 * odd output sizes (partial tiles), 'same' / 'valid' / explicit padding,
 * channel counts off multiples of 4 and 16, more tiles than one block, bias
 * and ReLU; convolutions it does not apply to go to XNNPACK.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { convGeometry } from "../../../lib/kernels/conv/conv_geometry.ts";
import {
  BLOCK_TILES4,
  BLOCK_TILES_GRAD,
  tileCount4,
  winogradApplies,
} from "../../../lib/kernels/conv/winograd.ts";
import {
  winogradConvSimd,
  winogradFilterGradSimd,
} from "../../../bench/kernels/plain_arrays.ts";
import { filterGradJs } from "../../../bench/kernels/filter_grad_js.ts";
import {
  CONCAT_CONV2D,
  concatConv2d,
} from "../../../lib/kernels/conv/concat_conv2d.ts";
import { assertClose, onBackend, randomArray, setUp } from "../helpers.ts";

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

Deno.test("Winograd on wasm matches tfjs-backend-cpu", async (t) => {
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
  const [n, h, w, c, k] = [4, 21, 19, 6, 21];
  const g = convGeometry([n, h, w, c], [3, 3, c, k], {
    strides: 1,
    pad: "same",
  });
  assert.ok(tileCount4(g) > 3 * BLOCK_TILES4);
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

Deno.test("winogradFilterGradSimd: several blocks, odd sizes", () => {
  const [n, h, w, c, k] = [4, 21, 19, 7, 21];
  const g = convGeometry([n, h, w, c], [3, 3, c, k], {
    strides: 1,
    pad: "same",
  });
  assert.ok(tileCount4(g) > 3 * BLOCK_TILES_GRAD);
  const x = randomArray(n * h * w * c, 5);
  const dy = randomArray(n * h * w * k, 6);
  assertClose(winogradFilterGradSimd(x, dy, g), filterGradJs(x, dy, g), "dW");
});

Deno.test("convolutions Winograd does not take go to the direct kernel (one input channel) or XNNPACK", async () => {
  await setUp();
  const cases: [number[], number[], number, number, string][] = [
    // [x shape, filter shape, stride, dilation, activation]
    [[2, 9, 8, 1, 0], [3, 3, 1, 32], 1, 1, "relu"], // one input channel
    [[3, 7, 10, 1, 0], [3, 3, 1, 7], 1, 1, "linear"], // the same, K = 7
    [[2, 9, 8, 2, 0], [3, 3, 2, 32], 1, 1, "relu"], // two input channels
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

// [N, H, W, C1, C2, K]: C2 = 1 is the UNet's grey-input skip; C2 = 0 is one
// input (C1 < 4: the direct kernel); odd sizes cannot be pooled.
const concatShapes: [number, number, number, number, number, number][] = [
  [2, 9, 7, 24, 1, 24],
  [3, 8, 8, 32, 32, 24],
  [1, 13, 6, 3, 2, 5],
  [2, 5, 11, 6, 9, 17],
  [2, 10, 14, 7, 0, 21],
  [3, 12, 6, 1, 0, 32],
  [2, 7, 10, 3, 0, 19],
  [1, 6, 18, 2, 0, 4],
  // one input channel: output channels off multiples of 4, widths off
  // multiples of 4 (the direct kernel's overlapping last group), and under 4
  [2, 7, 9, 1, 0, 7],
  [1, 4, 10, 1, 0, 6],
  [2, 5, 3, 1, 0, 9],
];

Deno.test("concatConv2d on wasm (one kernel: no concatenation, no full-size output) matches concat + conv + pool or upsampling on cpu", async (t) => {
  await setUp();
  for (const [i, [n, h, w, c1, c2, k]] of concatShapes.entries()) {
    const c = c1 + c2;
    const inputs = [
      { data: randomArray(n * h * w * c1, 50 + i), shape: [n, h, w, c1] },
      { data: randomArray(9 * c * k, 70 + i), shape: [3, 3, c, k] },
      { data: randomArray(k, 80 + i), shape: [k] },
    ];
    if (c2 > 0) {
      inputs.push({
        data: randomArray(n * h * w * c2, 60 + i),
        shape: [n, h, w, c2],
      });
    }
    const modes: { relu: boolean; pool?: boolean; upsample?: boolean }[] = [
      { relu: true, pool: false },
      { relu: false, pool: false },
      ...(h % 2 === 0 && w % 2 === 0
        ? [{ relu: true, pool: true }, { relu: false, pool: true }]
        : []),
      // any size upsamples (fewer than 4 channels: by the tfjs ops)
      { relu: true, upsample: true },
      { relu: false, upsample: true },
    ];
    await t.step(`[${n},${h},${w}] ${c1}+${c2} -> ${k}`, async () => {
      const ops = (...ts: tf.Tensor[]) => {
        const [wt, b] = ts.slice(1) as [tf.Tensor4D, tf.Tensor1D];
        const xs = [ts[0], ...ts.slice(3)] as tf.Tensor4D[];
        return modes.map((m) => concatConv2d(xs, wt, b, m));
      };
      const reference = (...ts: tf.Tensor[]) => {
        const [wt, b] = ts.slice(1) as [tf.Tensor4D, tf.Tensor1D];
        const x = tf.concat([ts[0], ...ts.slice(3)], 3) as tf.Tensor4D;
        const y = tf.add(tf.conv2d(x, wt, 1, "same"), b) as tf.Tensor4D;
        return modes.map((m) => {
          const a = m.relu ? tf.relu(y) : y;
          if (m.upsample) {
            return tf.image.resizeNearestNeighbor(a, [2 * h, 2 * w]);
          }
          return m.pool ? tf.maxPool(a, 2, 2, "valid") : a;
        });
      };
      const want = await onBackend("cpu", inputs, reference);
      assert.ok(tf.getKernel(CONCAT_CONV2D, "wasm"), "kernel registered");
      const got = await onBackend("wasm", inputs, ops);
      modes.forEach((m, j) => assertClose(got[j], want[j], JSON.stringify(m)));
    });
  }
});

Deno.test("concatConv2d refuses filters and biases that do not fit", async () => {
  await setUp();
  await tf.setBackend("wasm");
  tf.tidy(() => {
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    assert.throws(
      () => concatConv2d([x, x], tf.zeros([3, 3, 5, 2]), tf.zeros([2])),
      /6 channels, the filter takes 5/,
    );
    assert.throws(
      () => concatConv2d([x], tf.zeros([3, 3, 3, 2]), tf.zeros([3])),
      /3 biases for 2 filters/,
    );
  });
});

Deno.test("concatConv2d upsampling in the output transform copies the conv's values exactly", async () => {
  await setUp();
  await tf.setBackend("wasm");
  const x = tf.tensor4d(randomArray(2 * 6 * 10 * 24, 91), [2, 6, 10, 24]);
  const f = tf.tensor4d(randomArray(9 * 24 * 20, 92), [3, 3, 24, 20]);
  const b = tf.tensor1d(randomArray(20, 93));
  const fused = concatConv2d([x], f, b, { relu: true, upsample: true });
  const apart = tf.image.resizeNearestNeighbor(
    concatConv2d([x], f, b, { relu: true }),
    [12, 20],
  );
  assert.deepEqual(fused.shape, [2, 12, 20, 20]);
  assert.deepEqual(await fused.data(), await apart.data());
  assert.throws(
    () => concatConv2d([x], f, b, { pool: true, upsample: true }),
    /not both/,
  );
  tf.dispose([x, f, b, fused, apart]);
});
