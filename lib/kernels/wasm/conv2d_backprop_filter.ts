/**
 * Conv2DBackpropFilter for the wasm backend (which has none), with the
 * `dilations` attribute honoured (tfjs's op never passes it; the project's
 * Conv2D gradient does).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type ConvAttrs, convGeometry } from "../conv_geometry.ts";
import { runFilterGrad } from "../filter_grad_simd.ts";
import { backendMemory, heapOffset, kernelsFor } from "../own_wasm.ts";

function conv2dBackpropFilter(
  args: {
    inputs: tf.NamedTensorInfoMap;
    attrs?: tf.NamedAttrMap;
    backend: unknown;
  },
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & {
    filterShape: [number, number, number, number];
    dataFormat?: string;
  };
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") {
    throw new Error(
      `Conv2DBackpropFilter (wasm): dataFormat ${attrs.dataFormat}`,
    );
  }
  const g = convGeometry(x.shape, attrs.filterShape, attrs);
  // The SIMD kernel reads x and dy on the backend's heap and accumulates
  // into the output tensor's memory.
  const out = backend.makeOutput(attrs.filterShape, "float32");
  (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
  runFilterGrad(kernelsFor(backendMemory(backend)), {
    x: heapOffset(backend, x.dataId),
    dy: heapOffset(backend, dy.dataId),
    dw: heapOffset(backend, out.dataId),
  }, g);
  return out;
}

/**
 * The kernel config (register with tf.registerKernel before setBackend).
 *
 * @see issue 2 item 7 (own kernels for wasm)
 */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
