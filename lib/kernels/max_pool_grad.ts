/**
 * The gradient of a 2x2, stride-2 'valid' max-pool (NHWC): each window's
 * upstream gradient goes to every element equal to the window's maximum
 * (ties: to all of them). One fused kernel on wasm; tfjs ops elsewhere.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { MAX_POOL_2X2_GRAD } from "./wasm/max_pool_grad.ts";

/**
 * dx for x [N, H, W, C], y = maxPool(x, 2, 2, 'valid') and dy like y.
 *
 * @see notebooks/01_colourization.ipynb, issue 3 item 2
 */
export function maxPool2x2Grad(
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  dy: tf.Tensor4D,
): tf.Tensor4D {
  if (tf.getKernel(MAX_POOL_2X2_GRAD, tf.getBackend())) {
    return tf.engine().runKernel(MAX_POOL_2X2_GRAD, {
      x,
      y,
      dy,
    }) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const [, oh, ow] = y.shape;
    const up = (t: tf.Tensor4D) =>
      tf.image.resizeNearestNeighbor(t, [2 * oh, 2 * ow]);
    // Odd sizes: the last row / column belongs to no window.
    const xs = tf.slice(x, [0, 0, 0, 0], [-1, 2 * oh, 2 * ow, -1]);
    const dx = tf.mul(
      tf.cast(tf.equal(xs, up(y)), "float32"),
      up(dy),
    ) as tf.Tensor4D;
    return h === 2 * oh && w === 2 * ow
      ? dx
      : tf.pad(dx, [[0, 0], [0, h - 2 * oh], [0, w - 2 * ow], [0, 0]]);
  });
}
