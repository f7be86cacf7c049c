/**
 * The Conv2D gradient with dilation support, on every backend.
 *
 * tfjs-core refuses gradients of dilated convolutions ("not yet supported in
 * gradients"). For stride 1 (tfjs allows dilation only with stride 1) both
 * gradients are convolutions again:
 * - input gradient: a forward convolution of dy with the filter flipped in
 *   space and in/out channels swapped, same dilation, padding mirrored;
 * - filter gradient: per filter tap (kh, kw), x shifted by (kh*d, kw*d)
 *   transposed times dy; or one call of a backend kernel that takes a
 *   `dilations` attribute (the project's wasm kernel does).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type ConvAttrs, convGeometry, isOne } from "./conv_geometry.ts";
import { FLIP_FILTER } from "./wasm_flip_filter.ts";

/** Backends whose Conv2DBackpropFilter kernel honours a `dilations` attr. */
const dilationAwareFilterGrad = new Set<string>();

/**
 * Declares that `backendName`'s Conv2DBackpropFilter kernel (an own kernel)
 * reads the `dilations` attribute.
 */
export function markDilationAwareFilterGrad(backendName: string): void {
  dilationAwareFilterGrad.add(backendName);
}

/** The filter flipped in space with in/out channels swapped: [kH,kW,K,C]. */
export function flipFilter(filter: tf.Tensor4D): tf.Tensor4D {
  if (tf.getKernel(FLIP_FILTER, tf.getBackend())) {
    return tf.engine().runKernel(FLIP_FILTER, { filter }) as tf.Tensor4D;
  }
  return tf.tidy(() => tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]));
}

/**
 * dL/dx of y = conv2d(x, filter) (NHWC) for stride 1 and any dilation, as a
 * forward convolution of dy with the flipped filter. Other strides use
 * tfjs's Conv2DBackpropInput (which has no dilation).
 */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  const g = convGeometry(xShape, filter.shape, attrs);
  if (g.strideH !== 1 || g.strideW !== 1) {
    if (!isOne(attrs.dilations)) {
      throw new Error("conv2d gradient: dilation needs stride 1");
    }
    return tf.conv2dTranspose(
      dy,
      filter,
      xShape,
      attrs.strides,
      attrs.pad as "same" | "valid" | number,
      attrs.dimRoundingMode,
    );
  }
  // dx[i] = sum_k dy[i + padTop - k*d] w[k]: a correlation of dy, padded in
  // front by effK - 1 - padTop and behind by H - OH + padTop, with w flipped.
  const effH = (g.kH - 1) * g.dilationH + 1;
  const effW = (g.kW - 1) * g.dilationW + 1;
  const pads = [
    effH - 1 - g.padTop,
    g.inH - g.outH + g.padTop,
    effW - 1 - g.padLeft,
    g.inW - g.outW + g.padLeft,
  ];
  if (pads.some((p) => p < 0)) {
    throw new Error(`conv2d gradient: unsupported padding ${pads}`);
  }
  return tf.tidy(() =>
    tf.conv2d(
      dy,
      flipFilter(filter),
      1,
      [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]],
      "NHWC",
      [g.dilationH, g.dilationW],
    )
  );
}

/**
 * dL/dfilter of y = conv2d(x, filter) (NHWC), any stride, padding, dilation.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  const kernelAttrs = {
    strides: attrs.strides,
    pad: attrs.pad,
    dataFormat: "NHWC",
    dimRoundingMode: attrs.dimRoundingMode,
    filterShape,
    dilations: attrs.dilations ?? 1,
  } as unknown as tf.NamedAttrMap;
  if (isOne(attrs.dilations) || dilationAwareFilterGrad.has(tf.getBackend())) {
    return tf.engine().runKernel(
      "Conv2DBackpropFilter",
      { x, dy },
      kernelAttrs,
    ) as tf.Tensor4D;
  }
  return filterGradByTaps(x, dy, filterShape, attrs);
}

/** Filter gradient as one matrix product per tap (generic tfjs ops). */
function filterGradByTaps(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  const g = convGeometry(x.shape, filterShape, attrs);
  return tf.tidy(() => {
    const xp = tf.pad(x, [[0, 0], [g.padTop, Math.max(0, g.padBottom)], [
      g.padLeft,
      Math.max(0, g.padRight),
    ], [0, 0]]);
    const dy2 = tf.reshape(dy, [-1, g.outC]);
    const taps: tf.Tensor2D[] = [];
    const spanH = (g.outH - 1) * g.strideH + 1;
    const spanW = (g.outW - 1) * g.strideW + 1;
    for (let kh = 0; kh < g.kH; kh++) {
      for (let kw = 0; kw < g.kW; kw++) {
        const begin = [0, kh * g.dilationH, kw * g.dilationW, 0];
        const size = [g.batch, spanH, spanW, g.inC];
        const xs = tf.stridedSlice(
          xp,
          begin,
          begin.map((b, i) => b + size[i]),
          [
            1,
            g.strideH,
            g.strideW,
            1,
          ],
        );
        taps.push(tf.matMul(tf.reshape(xs, [-1, g.inC]), dy2, true, false));
      }
    }
    return tf.reshape(tf.stack(taps), filterShape);
  });
}

let registered = false;

/**
 * Replaces tfjs-core's Conv2D gradient (which refuses dilation) by one built
 * from {@link conv2dInputGrad} and {@link conv2dFilterGrad}. Idempotent.
 */
export function registerConv2dGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: "Conv2D",
    inputsToSave: ["x", "filter"],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as ConvAttrs & { dataFormat?: string };
      if (a.dataFormat !== undefined && a.dataFormat !== "NHWC") {
        throw new Error(`conv2d gradient: dataFormat ${a.dataFormat}`);
      }
      return {
        x: () => conv2dInputGrad(dy as tf.Tensor4D, filter, x.shape, a),
        filter: () => conv2dFilterGrad(x, dy as tf.Tensor4D, filter.shape, a),
      };
    },
  });
}
