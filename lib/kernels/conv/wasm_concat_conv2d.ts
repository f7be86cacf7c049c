/**
 * ColourlabConcatConv2D for the wasm backend: a 3x3 'same' convolution of
 * one NHWC input or of two read as their channel concatenation, with bias,
 * optional ReLU and optional 2x2 max-pool or x2 nearest upsampling. At least 4
 * input channels: the Winograd F(4x4, 3x3) kernel (its input transform reads
 * each input's channels in place; it pools or upsamples in its output
 * transform). Fewer (one input, no upsampling):
 * a direct convolution (direct_small.as), split over the threads by images.
 * See ../concat_conv2d.ts for when it is used.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { CONCAT_CONV2D } from "./concat_conv2d.ts";
import { convGeometry } from "./conv_geometry.ts";
import { winogradApplies } from "./winograd.ts";
import { convSmallWasm, winogradConvWasm } from "./wasm_conv2d.ts";

function concatConv2d(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
}): tf.TensorInfo {
  const { x1, x2, filter, bias } = args.inputs as {
    x1: tf.TensorInfo;
    x2?: tf.TensorInfo;
    filter: tf.TensorInfo;
    bias: tf.TensorInfo;
  };
  const backend = args.backend as BackendWasm;
  const attrs = (args.attrs ?? {}) as {
    relu?: boolean;
    pool?: boolean;
    upsample?: boolean;
  };
  const relu = attrs.relu ?? false;
  const pool = attrs.pool ?? false;
  const upsample = attrs.upsample ?? false;
  const [n, h, w, c1] = x1.shape;
  const g = convGeometry([n, h, w, c1 + (x2?.shape[3] ?? 0)], filter.shape, {
    strides: 1,
    pad: "same",
  });
  if (pool && (h % 2 !== 0 || w % 2 !== 0)) {
    throw new RangeError(`${CONCAT_CONV2D}: pooling needs an even size`);
  }
  if (winogradApplies(g)) {
    return winogradConvWasm(
      backend,
      x2 ? [x1, x2] : [x1],
      filter,
      g,
      bias,
      relu,
      pool ? "pool" : upsample ? "upsample" : "none",
    );
  }
  if (upsample) {
    throw new RangeError(`${CONCAT_CONV2D}: upsamples only by Winograd`);
  }
  if (!x2 && g.kH === 3 && g.kW === 3) {
    return convSmallWasm(backend, x1, filter, bias, relu, pool);
  }
  throw new RangeError(`${CONCAT_CONV2D}: not a 3x3 convolution it takes`);
}

/**
 * Kernel config of ColourlabConcatConv2D (wasm).
 */
export const concatConv2dConfig: tf.KernelConfig = {
  kernelName: CONCAT_CONV2D,
  backendName: "wasm",
  kernelFunc: concatConv2d as unknown as tf.KernelFunc,
};
