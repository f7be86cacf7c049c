/**
 * 2x2 max-pooling and x2 nearest upsampling layers with hand-written
 * gradients, so that training is correct on every backend.
 *
 * Why not tf.layers.maxPooling2d / upSampling2d: in tfjs 4.22 the wasm
 * backend's MaxPoolGrad sends the gradient of a window whose values are all
 * negative to its first element instead of its maximum, and the cpu
 * backend's ResizeNearestNeighborGrad (the upsampling gradient) is wrong for
 * a x2 nearest resize; both were measured (tests/models/resample_test.ts).
 * The forward passes are tfjs's own; the gradients are
 * lib/kernels/resample/max_pool_grad.ts and upsample2x_grad.ts (fused
 * kernels on wasm).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { maxPool2x2Grad } from "../kernels/resample/max_pool_grad.ts";
import { upsample2xGrad } from "../kernels/resample/upsample2x_grad.ts";

/**
 * Nearest-neighbour x2 upsampling of NHWC data, forward only (no custom
 * gradient wrapper): what eval-mode inference calls (lib/models/inference.ts).
 */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]);
}

/**
 * Max-pool 2x2, stride 2 (PyTorch `nn.MaxPool2d(2)`). Its gradient goes to
 * the maximum of each window (to every tied maximum when several are equal,
 * where PyTorch picks one; ties do not occur between distinct float
 * convolution outputs in practice).
 *
 * @see notebooks/01_colourization.ipynb
 */
export function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
  const f = tf.customGrad((...args: unknown[]) => {
    const input = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const value = tf.maxPool(input, 2, 2, "valid");
    save([input, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor4D;
        const [xIn, y] = saved as tf.Tensor4D[];
        return [maxPool2x2Grad(xIn, y, d)];
      },
    };
  });
  return f(x) as tf.Tensor4D;
}

/**
 * Nearest-neighbour upsampling x2 (PyTorch `nn.Upsample(scale_factor=2)`);
 * its gradient sums each 2x2 block.
 *
 * @see notebooks/01_colourization.ipynb
 */
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  const f = tf.customGrad((...args: unknown[]) => {
    const value = upsample2x(args[0] as tf.Tensor4D);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const d = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor4D;
        return [upsample2xGrad(d)];
      },
    };
  });
  return f(x) as tf.Tensor4D;
}

/** Layer form of {@link maxPool2x2}. */
export class MaxPool2x2 extends tf.layers.Layer {
  /** Name under which the class is registered for (de)serialization. */
  static className = "MaxPool2x2";

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
    return [
      s[0],
      s[1] == null ? null : Math.floor(s[1] / 2),
      s[2] == null ? null : Math.floor(s[2] / 2),
      s[3],
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return maxPool2x2(
      (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D,
    );
  }
}
tf.serialization.registerClass(MaxPool2x2);

/** Layer form of {@link upsampleNearest2x}. */
export class UpsampleNearest2x extends tf.layers.Layer {
  /** Name under which the class is registered for (de)serialization. */
  static className = "UpsampleNearest2x";

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
    return [
      s[0],
      s[1] == null ? null : 2 * s[1],
      s[2] == null ? null : 2 * s[2],
      s[3],
    ];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return upsampleNearest2x(
      (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D,
    );
  }
}
tf.serialization.registerClass(UpsampleNearest2x);
