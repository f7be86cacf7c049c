/**
 * The gradient of nearest-neighbour x2 upsampling (NHWC): each input pixel
 * was copied to a 2x2 block, so its gradient is the block's sum. One fused
 * kernel on wasm (wasm_upsample2x_grad.ts); elsewhere an average pool times
 * 4.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { UPSAMPLE_2X_GRAD } from "../kernel_names.ts";

/**
 * dx [N, H, W, C] for dy [N, 2H, 2W, C] of y = upsample2x(x).
 *
 * @see notebooks/01_colourization.ipynb
 */
export function upsample2xGrad(dy: tf.Tensor4D): tf.Tensor4D {
  const [, h2, w2] = dy.shape;
  if (h2 % 2 !== 0 || w2 % 2 !== 0) {
    throw new RangeError(
      `upsample2xGrad: dy's height and width must be even, got ${h2}x${w2}`,
    );
  }
  if (
    dy.dtype === "float32" && tf.getKernel(UPSAMPLE_2X_GRAD, tf.getBackend())
  ) {
    return tf.engine().runKernel(UPSAMPLE_2X_GRAD, { dy }) as tf.Tensor4D;
  }
  return tf.tidy(() => tf.mul(tf.avgPool(dy, 2, 2, "valid"), 4));
}
