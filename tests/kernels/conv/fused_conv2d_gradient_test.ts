import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { timeKernels } from "../../../bench/kernels/kernel_timer.ts";
import {
  assertClose,
  onBackend,
  randomArray,
  setUp,
  size,
} from "../helpers.ts";

/** Gradients of sum(fused.conv2d(x, w, b) * r) for x, w, b. */
function grads(
  activation: "linear" | "relu",
  dilation: number,
  viaOps: boolean,
) {
  return (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, r: tf.Tensor) =>
    tf.grads((xa: tf.Tensor, wa: tf.Tensor, ba: tf.Tensor) => {
      const y = viaOps
        ? tf.add(
          tf.conv2d(
            xa as tf.Tensor4D,
            wa as tf.Tensor4D,
            1,
            "same",
            "NHWC",
            dilation,
          ),
          ba,
        )
        : tf.fused.conv2d({
          x: xa as tf.Tensor4D,
          filter: wa as tf.Tensor4D,
          bias: ba,
          strides: 1,
          pad: "same",
          dilations: dilation,
          activation,
        });
      return tf.sum(
        tf.mul(viaOps && activation === "relu" ? tf.relu(y) : y, r),
      );
    })([x, w, b]);
}

Deno.test("fused conv2d gradients (linear, relu; dilation 1, 2)", async (t) => {
  await setUp();
  const shape = [2, 9, 8, 3];
  const data = [
    { data: randomArray(size(shape), 1), shape },
    { data: randomArray(3 * 3 * 3 * 5, 2), shape: [3, 3, 3, 5] },
    { data: randomArray(5, 3), shape: [5] },
    { data: randomArray(2 * 9 * 8 * 5, 4), shape: [2, 9, 8, 5] },
  ];
  for (const activation of ["linear", "relu"] as const) {
    for (const dilation of [1, 2]) {
      // Reference: unfused ops on cpu (the Conv2D gradient is checked against
      // tfjs's own kernels in conv2d_gradient_test.ts).
      const ref = await onBackend(
        "cpu",
        data,
        grads(activation, dilation, true),
      );
      for (const backend of ["cpu", "wasm"]) {
        await t.step(`${backend} ${activation} d${dilation}`, async () => {
          const got = await onBackend(
            backend,
            data,
            grads(activation, dilation, false),
          );
          ["dx", "dW", "db"].forEach((what, i) =>
            assertClose(got[i], ref[i], what)
          );
        });
      }
    }
  }
});

Deno.test("a layers model computes no input gradient for its data", async () => {
  await setUp();
  await tf.setBackend("wasm");
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        filters: 4,
        kernelSize: 3,
        padding: "same",
        inputShape: [8, 8, 1],
      }),
      tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: "same" }),
    ],
  });
  const xs = tf.randomNormal([2, 8, 8, 1]);
  const ys = tf.randomNormal([2, 8, 8, 2]);
  const timer = timeKernels("wasm");
  try {
    const { value, grads } = tf.variableGrads(() =>
      tf.losses.meanSquaredError(
        ys,
        model.apply(xs, { training: true }) as tf.Tensor,
      )
    );
    tf.dispose([value, grads]);
  } finally {
    timer.restore();
  }
  const calls = (name: string) =>
    timer.report().find((k) => k.name === name)?.calls ?? 0;
  assert.strictEqual(calls("FusedConv2D"), 2, "forward");
  assert.strictEqual(calls("Conv2DBackpropFilter"), 2);
  // Input gradients are forward convolutions of dy (stride 1): the second
  // layer's only.
  assert.strictEqual(calls("Conv2D") + calls("Conv2DBackpropInput"), 1);
  tf.dispose([xs, ys]);
  model.dispose();
});

Deno.test("fused conv2d keeps tfjs's argument checks while recording", async () => {
  await setUp();
  await tf.setBackend("wasm");
  const x = tf.zeros([1, 5, 5, 3]);
  const w = tf.zeros([3, 3, 4, 2]);
  assert.throws(
    () =>
      tf.grad((a: tf.Tensor) =>
        tf.sum(
          tf.fused.conv2d({
            x: a as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 1,
            pad: "same",
          }),
        )
      )(x),
    /depth of input \(3\) must match input depth for filter 4/,
  );
  tf.dispose([x, w]);
});
