/**
 * The gradient of a 2x2, stride-2 'valid' max-pool (NHWC): each window's
 * upstream gradient goes to the first element (row-major) equal to the
 * window's maximum, as in PyTorch and stock tfjs. Ties are common in flat
 * image regions; routing to all of them would multiply the gradient and bias
 * the convolution in front (see lib/kernels/resample/max_pool_grad.as). One fused
 * kernel on wasm; tfjs ops elsewhere.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { MAX_POOL_2X2_GRAD } from "../kernel_names.ts";

/**
 * dx for x [N, H, W, C], y = maxPool(x, 2, 2, 'valid') and dy like y.
 *
 * @see notebooks/01_colourization.ipynb
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
    const [n, h, w, c] = x.shape;
    const [, oh, ow] = y.shape;
    // The four elements of every window, each [N, OH, OW, C].
    const corner = (r: number, s: number) =>
      tf.stridedSlice(x, [0, r, s, 0], [n, 2 * oh, 2 * ow, c], [1, 2, 2, 1]);
    let taken = tf.zerosLike(y);
    const parts = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([r, s]) => {
      // 1 where this element is the window's first maximum
      const first = tf.mul(
        tf.cast(tf.equal(corner(r, s), y), "float32"),
        tf.sub(1, taken),
      );
      taken = tf.add(taken, first);
      return tf.mul(first, dy);
    });
    // Interleave back: columns 2j + s, then rows 2i + r.
    const row = (a: tf.Tensor, b: tf.Tensor) =>
      tf.reshape(tf.stack([a, b], 3), [n, oh, 2 * ow, c]);
    const dx = tf.reshape(
      tf.stack([row(parts[0], parts[1]), row(parts[2], parts[3])], 2),
      [n, 2 * oh, 2 * ow, c],
    ) as tf.Tensor4D;
    return h === 2 * oh && w === 2 * ow
      ? dx
      : tf.pad(dx, [[0, 0], [0, h - 2 * oh], [0, w - 2 * ow], [0, 0]]);
  });
}
