/**
 * A registered gradient for tfjs's FusedConv2D kernel, used for the fused
 * convolutions of tfjs-layers while a gradient is recorded.
 *
 * `tf.fused.conv2d` (which tfjs-layers' Conv2D calls) wraps the kernel in a
 * custom gradient that (1) refuses dilation > 1 and (2) computes the input
 * gradient eagerly, also for the first layer, whose input (the data) needs
 * none - on wasm a convolution with one output channel that XNNPACK does
 * slowly. The wrapper installed here runs the FusedConv2D kernel directly
 * instead; the engine then takes the gradient from the registry (below),
 * lazily per input, so unneeded input gradients are never computed, and with
 * dilation (conv2d_gradient.ts). Activations other than linear and ReLU keep
 * tfjs's path, or, when dilated, go unfused (conv2d + bias + activation).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type ConvAttrs, isOne } from "./conv_geometry.ts";
import { conv2dFilterGrad, conv2dInputGrad } from "./conv2d_gradient.ts";

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

/** Whether the registered gradient below covers these arguments. */
function covered(args: FusedConv2dArgs): boolean {
  const act = args.activation ?? "linear";
  return (act === "linear" || act === "relu") &&
    args.preluActivationWeights == null &&
    (args.dataFormat ?? "NHWC") === "NHWC" &&
    args.x instanceof tf.Tensor && args.x.rank === 4 &&
    args.filter instanceof tf.Tensor &&
    (args.bias == null ||
      (args.bias instanceof tf.Tensor && args.bias.rank === 1));
}

/** tfjs's own argument checks of fused.conv2d (the kernel has none). */
function check(x: tf.Tensor, filter: tf.Tensor, args: FusedConv2dArgs): void {
  if (filter.rank !== 4) {
    throw new Error(
      `Error in fused conv2d: filter must be rank 4, but got rank ${filter.rank}.`,
    );
  }
  if (filter.shape[2] !== x.shape[3]) {
    throw new Error(
      `Error in conv2d: depth of input (${
        x.shape[3]
      }) must match input depth for filter ${filter.shape[2]}.`,
    );
  }
  if (!isOne(args.strides) && !isOne(args.dilations)) {
    throw new Error(
      `Error in conv2D: Either strides or dilations must be 1. Got strides ${args.strides} and dilations '${args.dilations}'`,
    );
  }
  const bias = args.bias as tf.Tensor | undefined;
  if (bias && bias.shape[0] !== filter.shape[3] && bias.shape[0] !== 1) {
    throw new Error(
      `Error in fused conv2d: bias shape (${bias.shape}) is not compatible with the number of output channels (${
        filter.shape[3]
      })`,
    );
  }
  tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    args.strides,
    args.dilations ?? 1,
    args.pad,
    args.dimRoundingMode,
  );
}

/** FusedConv2D run as a plain kernel (its gradient from the registry). */
function fusedKernel(args: FusedConv2dArgs): tf.Tensor {
  check(args.x as tf.Tensor, args.filter as tf.Tensor, args);
  const inputs: tf.NamedTensorMap = {
    x: args.x as tf.Tensor,
    filter: args.filter as tf.Tensor,
  };
  if (args.bias != null) inputs.bias = args.bias as tf.Tensor;
  const attrs = {
    strides: args.strides,
    pad: args.pad,
    dataFormat: "NHWC",
    dilations: args.dilations ?? [1, 1],
    dimRoundingMode: args.dimRoundingMode,
    activation: args.activation ?? "linear",
    leakyreluAlpha: args.leakyreluAlpha,
  };
  return tf.engine().runKernel(
    "FusedConv2D",
    inputs,
    attrs as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
}

let registered = false;

/** Registers the FusedConv2D gradient (linear or ReLU; any dilation). */
function registerFusedGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: "FusedConv2D",
    inputsToSave: ["x", "filter"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as ConvAttrs & { activation: string };
      const d = dy as tf.Tensor4D;
      // ReLU: dy where y > 0 (each gradient runs in its own tidy scope).
      const act = () =>
        a.activation === "relu" ? tf.mul(d, tf.step(y)) as tf.Tensor4D : d;
      return {
        x: () => conv2dInputGrad(act(), filter, x.shape, a),
        filter: () => conv2dFilterGrad(x, act(), filter.shape, a),
        bias: () => tf.sum(act(), [0, 1, 2]),
      };
    },
  });
}

/**
 * Installs the wrapper around `tf.fused.conv2d` (once; the object is shared by
 * tfjs-core and tfjs-layers) and registers the FusedConv2D gradient.
 */
export function enableFusedConv2dGradient(): void {
  if (original) return;
  registerFusedGradient();
  const fused = tf.fused as unknown as { conv2d: FusedConv2d };
  const orig = fused.conv2d;
  original = orig;
  const wrapped = (args: FusedConv2dArgs): tf.Tensor => {
    if (tf.engine().state.gradientDepth === 0) return orig(args);
    if (covered(args)) return fusedKernel(args);
    return isOne(args.dilations) ? orig(args) : unfusedConv2d(args);
  };
  fused.conv2d = wrapped as FusedConv2d;
}
