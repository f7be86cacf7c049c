/**
 * A 3x3 'same' stride-1 convolution of one NHWC tensor, or of two read as
 * their concatenation on the channel axis, with bias, optional ReLU and an
 * optional 2x2 max-pool or x2 nearest upsampling of its output: one block of
 * the handout models at inference (a UNet's skip connection followed by its
 * conv, a conv and its pooling or upsampling). On wasm it is one kernel
 * (wasm_concat_conv2d.ts: Winograd F(4x4, 3x3) reading both inputs in place
 * and pooling or upsampling in its output transform, or a direct convolution
 * for fewer than 4 input channels), so neither the concatenation nor the
 * conv's own output is ever written apart; elsewhere, and for shapes that
 * kernel does not take, it is tf.concat, tf.fused.conv2d and tf.maxPool or
 * tf.image.resizeNearestNeighbor. Inference only (no gradient).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Kernel name of the fused convolution (wasm). */
export const CONCAT_CONV2D = "ColourlabConcatConv2D";

/** Activation and pooling of {@link concatConv2d}. */
export interface ConcatConv2dOptions {
  /** ReLU after the bias (default false). */
  relu?: boolean;
  /** 2x2 stride-2 max-pool of the activated output (default false). */
  pool?: boolean;
  /** x2 nearest upsampling of the activated output (default false). */
  upsample?: boolean;
}

/** Whether the wasm kernel takes these inputs (else the tfjs ops run). */
function kernelTakes(
  xs: tf.Tensor4D[],
  filter: tf.Tensor4D,
  channels: number,
  pool: boolean,
  upsample: boolean,
): boolean {
  const [, h, w] = xs[0].shape;
  return tf.getKernel(CONCAT_CONV2D, tf.getBackend()) !== undefined &&
    // the direct kernel (fewer than 4 channels) does not upsample
    (!upsample || channels >= 4) &&
    (xs.length === 1 || (xs.length === 2 && channels >= 4)) &&
    filter.shape[0] === 3 && filter.shape[1] === 3 &&
    xs.every((x) =>
      x.dtype === "float32" &&
      tf.util.arraysEqual(x.shape.slice(0, 3), xs[0].shape.slice(0, 3))
    ) && (!pool || (h % 2 === 0 && w % 2 === 0));
}

/**
 * act(bias + conv(concat(xs, -1), filter)), 'same' padding, stride 1, then
 * with `pool` a 2x2 stride-2 max-pool, or with `upsample` an x2 nearest
 * upsampling. `filter` is [3, 3, sum of the inputs' channels, K] (other
 * kernel sizes take the tfjs ops).
 */
export function concatConv2d(
  xs: tf.Tensor4D[],
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  opts: ConcatConv2dOptions = {},
): tf.Tensor4D {
  const relu = opts.relu ?? false;
  const pool = opts.pool ?? false;
  const upsample = opts.upsample ?? false;
  if (pool && upsample) {
    throw new RangeError("concatConv2d: pool or upsample, not both");
  }
  const channels = xs.reduce((s, x) => s + x.shape[3], 0);
  if (xs.length === 0 || channels !== filter.shape[2]) {
    throw new RangeError(
      `concatConv2d: the inputs have ${channels} channels, the filter takes ${
        filter.shape[2]
      }`,
    );
  }
  if (bias.size !== filter.shape[3]) {
    throw new RangeError(
      `concatConv2d: ${bias.size} biases for ${filter.shape[3]} filters`,
    );
  }
  if (kernelTakes(xs, filter, channels, pool, upsample)) {
    const inputs: tf.NamedTensorMap = { x1: xs[0], filter, bias };
    if (xs.length === 2) inputs.x2 = xs[1];
    return tf.engine().runKernel(
      CONCAT_CONV2D,
      inputs,
      { relu, pool, upsample },
    ) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const x = xs.length === 1 ? xs[0] : tf.concat(xs, -1);
    const y = tf.fused.conv2d({
      x,
      filter,
      bias,
      strides: 1,
      pad: "same",
      activation: relu ? "relu" : "linear",
    });
    if (pool) return tf.maxPool(y, 2, 2, "valid");
    const [, h, w] = y.shape;
    return upsample ? tf.image.resizeNearestNeighbor(y, [2 * h, 2 * w]) : y;
  });
}
