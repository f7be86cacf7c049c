/**
 * The geometry of one NHWC 2-D convolution, as every gradient kernel here
 * needs it (sizes, strides, dilations, the four paddings).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Padding as tfjs ops accept it: a mode, a number, or explicit pairs. */
export type ConvPad =
  | "same"
  | "valid"
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

/** Convolution attributes as tfjs kernels receive them. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: ConvPad;
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Sizes of one NHWC convolution y = conv(x, w), w of shape [kH, kW, inC, outC]. */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

/**
 * Geometry of conv(x, w) from the shapes and attributes (tfjs's own rules for
 * 'same' / 'valid' / explicit padding).
 */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilationH: info.dilationHeight,
    dilationW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    padBottom: info.padInfo.bottom,
    padRight: info.padInfo.right,
  };
}

/** True when both entries of a stride or dilation are 1. */
export function isOne(v: number | [number, number] | undefined): boolean {
  if (v === undefined) return true;
  return typeof v === "number" ? v === 1 : v[0] === 1 && v[1] === 1;
}
