/**
 * Lets tfjs-layers train dilated convolutions.
 *
 * tfjs-layers' Conv2D calls `tf.fused.conv2d`, whose gradient is a closure
 * that refuses dilation > 1 (it never consults the gradient registry). While a
 * gradient is being recorded and the convolution is dilated, the wrapper
 * installed here computes the same thing unfused (conv2d + bias +
 * activation), so the registered Conv2D gradient (conv2d_gradient.ts) runs.
 * Everything else goes to the original, unchanged.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { isOne } from "./conv_geometry.ts";

type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0];
type FusedConv2d = typeof tf.fused.conv2d;

let original: FusedConv2d | undefined;

/** conv2d + bias + activation with ordinary (differentiable) ops. */
function unfusedConv2d(args: FusedConv2dArgs): tf.Tensor {
  return tf.tidy(() => {
    let y: tf.Tensor = tf.conv2d(
      args.x as tf.Tensor4D,
      args.filter as tf.Tensor4D,
      args.strides,
      args.pad,
      args.dataFormat ?? "NHWC",
      args.dilations ?? 1,
      args.dimRoundingMode,
    );
    if (args.bias != null) y = tf.add(y, args.bias);
    switch (args.activation ?? "linear") {
      case "linear":
        return y;
      case "relu":
        return tf.relu(y);
      case "relu6":
        return tf.relu6(y);
      case "elu":
        return tf.elu(y);
      case "sigmoid":
        return tf.sigmoid(y);
      case "leakyrelu":
        return tf.leakyRelu(y, args.leakyreluAlpha ?? 0.2);
      case "prelu":
        return tf.prelu(y, args.preluActivationWeights as tf.Tensor);
      default:
        throw new Error(`fused conv2d: activation ${args.activation}`);
    }
  });
}

/**
 * Installs the wrapper around `tf.fused.conv2d` (once; the object is shared by
 * tfjs-core and tfjs-layers).
 *
 * @see issue 5 (dilated-convolution gradient)
 */
export function enableDilatedFusedConv2dGradient(): void {
  if (original) return;
  const fused = tf.fused as unknown as { conv2d: FusedConv2d };
  const orig = fused.conv2d;
  original = orig;
  const wrapped = (args: FusedConv2dArgs): tf.Tensor => {
    const recording = tf.engine().state.gradientDepth > 0;
    if (recording && !isOne(args.dilations)) return unfusedConv2d(args);
    return orig(args);
  };
  fused.conv2d = wrapped as FusedConv2d;
}
