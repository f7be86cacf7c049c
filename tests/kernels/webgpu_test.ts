/**
 * The project's gradients (Conv2D with dilation, FusedConv2D, Relu,
 * batchNormTrain, maxPool2x2Grad, softmaxCrossEntropy) on WebGPU against
 * tfjs-backend-cpu, with tiny shapes. Skipped where no WebGPU adapter exists
 * (the backend's own WebGPU test is the one that must run in CI).
 */
import { quietVulkan } from "../backend/fixtures/quiet.ts";
import * as tf from "@tensorflow/tfjs";
import { probeGpu } from "../../lib/backend/webgpu.ts";
import { batchNormTrain } from "../../lib/kernels/batch_norm/batch_norm_train.ts";
import { maxPool2x2Grad } from "../../lib/kernels/resample/max_pool_grad.ts";
import { softmaxCrossEntropy } from "../../lib/kernels/loss/softmax_cross_entropy.ts";
import { assertClose, randomArray, setUp, size } from "./helpers.ts";

quietVulkan();
const probe = await probeGpu();

/** Every gradient under test, of one loss, on the active backend. */
async function run(inputs: { data: Float32Array; shape: number[] }[]) {
  const [x, w, b, g, beta, r] = inputs.map((a) => tf.tensor(a.data, a.shape));
  const labels = tf.tensor(
    Int32Array.from({ length: 2 * 4 * 4 }, (_, i) => (i * 5) % 8),
    [2, 4, 4],
    "int32",
  );
  const grads = tf.grads(
    (xa: tf.Tensor, wa: tf.Tensor, ba: tf.Tensor, ga: tf.Tensor) => {
      // dilated conv (Conv2D), fused conv (FusedConv2D), BatchNorm, ReLU,
      // 2x2 max-pool, softmax cross-entropy
      const h1 = tf.conv2d(
        xa as tf.Tensor4D,
        wa as tf.Tensor4D,
        1,
        "same",
        "NHWC",
        2,
      );
      const h2 = tf.fused.conv2d({
        x: h1,
        filter: tf.reshape(tf.tile(wa, [1, 1, 2, 1]), [
          3,
          3,
          8,
          8,
        ]) as tf.Tensor4D,
        bias: ba,
        pad: "same",
        strides: 1,
      });
      const h3 = tf.relu(
        batchNormTrain(h2, ga as tf.Tensor1D, beta as tf.Tensor1D, {
          epsilon: 1e-5,
        }),
      );
      const pooled = tf.customGrad((...args: unknown[]) => {
        const input = args[0] as tf.Tensor4D;
        const save = args[1] as tf.GradSaveFunc;
        const value = tf.maxPool(input, 2, 2, "valid");
        save([input, value]);
        return {
          value,
          gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [
            maxPool2x2Grad(
              saved[0] as tf.Tensor4D,
              saved[1] as tf.Tensor4D,
              dy as tf.Tensor4D,
            ),
          ],
        };
      })(h3) as tf.Tensor;
      // (h2 enters the loss directly too: before a BatchNorm the bias has no
      // gradient.)
      return tf.addN([
        softmaxCrossEntropy(pooled, labels),
        tf.sum(tf.mul(h3, r)),
        tf.sum(tf.mul(h2, r)),
      ]);
    },
  )([x, w, b, g]);
  const data = await Promise.all(
    grads.map((t) => t.data() as Promise<Float32Array>),
  );
  tf.dispose([x, w, b, g, beta, r, labels, ...grads]);
  return data;
}

Deno.test({
  name: "own gradients on WebGPU match tfjs-backend-cpu",
  ignore: !probe.available,
  fn: async () => {
    await setUp();
    await import("@tensorflow/tfjs-backend-webgpu");
    const inputs = [
      { shape: [2, 8, 8, 4], seed: 1 },
      { shape: [3, 3, 4, 8], seed: 2 },
      { shape: [8], seed: 3 },
      { shape: [8], seed: 4 },
      { shape: [8], seed: 5 },
      { shape: [2, 8, 8, 8], seed: 6 },
    ].map(({ shape, seed }) => ({
      data: randomArray(size(shape), seed),
      shape,
    }));
    inputs[3].data = inputs[3].data.map((v) => v + 1.5); // gamma away from 0
    await tf.setBackend("cpu");
    const want = await run(inputs);
    await tf.setBackend("webgpu");
    const got = await run(inputs);
    ["dx", "dW", "db", "dGamma"].forEach((what, i) =>
      assertClose(got[i], want[i], what, 1e-3)
    );
    await tf.setBackend("cpu");
  },
});
