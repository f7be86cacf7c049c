/**
 * A 'same' stride-1 convolution of several NHWC tensors concatenated on the
 * channel axis, with bias and optional ReLU: what a UNet's skip connection
 * followed by its conv computes. On wasm one kernel reads the inputs in
 * place (no concatenated copy); elsewhere it is tf.concat then
 * tf.fused.conv2d. Inference only (no gradient).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

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
