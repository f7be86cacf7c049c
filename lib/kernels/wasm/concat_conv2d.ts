/**
 * ColourlabConcatConv2D for the wasm backend: a 3x3 'same' convolution of two
 * NHWC inputs read as their channel concatenation, with bias and optional
 * ReLU, by the Winograd F(4x4, 3x3) kernel (its input transform reads each
 * input's channels in place). See ../concat_conv2d.ts for when it is used.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { CONCAT_CONV2D } from "../concat_conv2d.ts";
import { convGeometry } from "../conv_geometry.ts";
import { winogradApplies } from "../winograd.ts";
import { winogradConvWasm } from "./conv2d.ts";

function concatConv2d(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
}): tf.TensorInfo {
  const { x1, x2, filter, bias } = args.inputs as {
    x1: tf.TensorInfo;
    x2: tf.TensorInfo;
    filter: tf.TensorInfo;
    bias: tf.TensorInfo;
  };
  const [n, h, w, c1] = x1.shape;
  const g = convGeometry([n, h, w, c1 + x2.shape[3]], filter.shape, {
    strides: 1,
    pad: "same",
  });
  if (!winogradApplies(g)) {
    throw new RangeError(`${CONCAT_CONV2D}: not a 3x3 convolution`);
  }
  const relu = (args.attrs as { relu?: boolean } | undefined)?.relu ?? false;
  return winogradConvWasm(
    args.backend as BackendWasm,
    [x1, x2],
    filter,
    g,
    bias,
    relu,
  );
}

/**
 * Kernel config of ColourlabConcatConv2D (wasm).
 *
 * @see issue 3 (inference speed)
 */
export const concatConv2dConfig: tf.KernelConfig = {
  kernelName: CONCAT_CONV2D,
  backendName: "wasm",
  kernelFunc: concatConv2d as unknown as tf.KernelFunc,
};
