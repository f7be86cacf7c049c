/**
 * Conv2DBackpropInput for the wasm backend, replacing its naive kernel: for
 * stride 1 the input gradient is a forward convolution (Winograd F(4x4, 3x3),
 * wasm_conv2d.ts, for 3x3 undilated filters, else XNNPACK) of dy with
 * the filter flipped in space and in/out channels swapped (~10x faster).
 * Other strides go to the backend's own kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type ConvAttrs, convGeometry } from "./conv_geometry.ts";
import { flipFilterArray } from "./wasm_flip_filter.ts";
import { winogradConvWasm } from "./wasm_conv2d.ts";
import { winogradApplies } from "./winograd.ts";

let builtin: tf.KernelFunc | undefined;
/**
 * The backend's forward Conv2D (XNNPACK), captured at registration (before
 * wasm_conv2d.ts replaces it).
 */
let forwardConv: tf.KernelFunc | undefined;

function conv2dBackpropInput(
  args: {
    inputs: tf.NamedTensorInfoMap;
    attrs?: tf.NamedAttrMap;
    backend: unknown;
  },
): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as {
    dy: tf.TensorInfo;
    filter: tf.TensorInfo;
  };
  const attrs = args.attrs as unknown as ConvAttrs & {
    inputShape: [number, number, number, number];
    dataFormat?: string;
  };
  const g = convGeometry(attrs.inputShape, filter.shape, attrs);
  const nhwc = attrs.dataFormat === undefined || attrs.dataFormat === "NHWC";
  const padsH = [
    (g.kH - 1) * g.dilationH - g.padTop,
    g.inH - g.outH + g.padTop,
  ];
  const padsW = [
    (g.kW - 1) * g.dilationW - g.padLeft,
    g.inW - g.outW + g.padLeft,
  ];
  const odd = [...padsH, ...padsW].some((p) => p < 0);
  if (g.strideH !== 1 || g.strideW !== 1 || !nhwc || odd) {
    if (!builtin) {
      throw new Error("Conv2DBackpropInput (wasm): no builtin kernel");
    }
    return builtin(
      args as unknown as Parameters<tf.KernelFunc>[0],
    ) as tf.TensorInfo;
  }
  // Flip [kH,kW,C,K] -> [kH,kW,K,C] reversed in space (small).
  const { kH, kW, inC: C, outC: K } = g;
  const flipped = flipFilterArray(
    backend.typedArrayFromHeap(filter) as Float32Array,
    filter.shape,
  );
  const wf = backend.makeOutput([kH, kW, K, C], "float32", undefined, flipped);
  const pads: [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ] = [
    [0, 0],
    [padsH[0], padsH[1]],
    [padsW[0], padsW[1]],
    [0, 0],
  ];
  const flippedGeometry = convGeometry(dy.shape, [kH, kW, K, C], {
    strides: 1,
    pad: pads,
    dilations: [g.dilationH, g.dilationW],
  });
  if (winogradApplies(flippedGeometry)) {
    const out = winogradConvWasm(
      backend,
      [dy],
      wf,
      flippedGeometry,
      undefined,
      false,
    );
    backend.disposeData(wf.dataId);
    return out;
  }
  const out = forwardConv!({
    inputs: { x: dy, filter: wf },
    attrs: {
      strides: 1,
      pad: pads,
      dilations: [g.dilationH, g.dilationW],
      dataFormat: "NHWC",
    } as unknown as tf.NamedAttrMap,
    backend,
  }) as tf.TensorInfo;
  backend.disposeData(wf.dataId);
  return out;
}

/**
 * The kernel config; `setupFunc` remembers the backend's own kernel for the
 * cases handed back to it.
 */
export function conv2dBackpropInputConfig(): tf.KernelConfig {
  const own = tf.getKernel("Conv2DBackpropInput", "wasm");
  if (own && own.kernelFunc !== (conv2dBackpropInput as unknown)) {
    builtin = own.kernelFunc;
  }
  forwardConv = tf.getKernel("Conv2D", "wasm")?.kernelFunc;
  if (!forwardConv) {
    throw new Error("wasm backend not loaded: no Conv2D kernel");
  }
  return {
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    // The builtin kernel needs its own setup (it binds the wasm function).
    setupFunc: own?.setupFunc,
    kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
  };
}
