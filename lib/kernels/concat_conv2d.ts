/**
 * A 'same' stride-1 convolution of several NHWC tensors concatenated on the
 * channel axis, with bias and optional ReLU: what a UNet's skip connection
 * followed by its conv computes. On wasm one kernel reads both inputs in
 * place (wasm/concat_conv2d.ts: Winograd F(4x4, 3x3), no concatenated copy);
 * elsewhere, and for shapes that kernel does not take, it is tf.concat then
 * tf.fused.conv2d. Inference only (no gradient).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Kernel name of the fused two-input convolution (wasm). */
export const CONCAT_CONV2D = "ColourlabConcatConv2D";

/**
 * act(bias + conv(concat(xs, -1), filter)), 'same' padding, stride 1.
 * `filter` is [kH, kW, sum of the inputs' channels, K].
 *
 * @see issue 3 (inference speed)
 */
export function concatConv2d(
  xs: tf.Tensor4D[],
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  relu: boolean,
): tf.Tensor4D {
  const channels = xs.reduce((s, x) => s + x.shape[3], 0);
  if (channels !== filter.shape[2]) {
    throw new RangeError(
      `concatConv2d: the inputs have ${channels} channels, the filter takes ${
        filter.shape[2]
      }`,
    );
  }
  if (
    xs.length === 2 && tf.getKernel(CONCAT_CONV2D, tf.getBackend()) &&
    filter.shape[0] === 3 && filter.shape[1] === 3 && channels >= 4 &&
    xs[0].dtype === "float32" && xs[1].dtype === "float32" &&
    tf.util.arraysEqual(xs[0].shape.slice(0, 3), xs[1].shape.slice(0, 3))
  ) {
    return tf.engine().runKernel(
      CONCAT_CONV2D,
      { x1: xs[0], x2: xs[1], filter, bias },
      { relu },
    ) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const x = xs.length === 1 ? xs[0] : tf.concat(xs, -1);
    return tf.fused.conv2d({
      x,
      filter,
      bias,
      strides: 1,
      pad: "same",
      activation: relu ? "relu" : "linear",
    });
  });
}
