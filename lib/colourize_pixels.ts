/**
 * The pixel arithmetic of colourizing a photo, without any image codec or
 * file access: the model's grey input from RGB bytes, palette colours of the
 * predicted labels, and the two ways the low-resolution prediction becomes
 * the full-size picture (lib/colourize.ts documents them). Shared by
 * `deno task colourize` (sharp decodes and resizes) and the report's live
 * page (the browser decodes and resizes).
 *
 * @module
 */
import type { Palette } from "./data/types.ts";

/** How the model's low-resolution prediction becomes the full-size output. */
export type ColourizeMode = "luminance" | "palette";

/** An 8-bit image, row-major, channel-last. */
export interface RawImage {
  /** [height, width, channels] bytes. */
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB). */
  channels: 1 | 3;
}

/** The grey of RGB bytes: unweighted mean of R, G, B, rounded (as the training data). */
export function greyOf(rgb: RawImage): RawImage {
  const n = rgb.width * rgb.height;
  const out = new Uint8Array(n);
  for (let p = 0, o = 0; p < n; p++, o += 3) {
    out[p] = Math.round((rgb.data[o] + rgb.data[o + 1] + rgb.data[o + 2]) / 3);
  }
  return { data: out, width: rgb.width, height: rgb.height, channels: 1 };
}

/**
 * The model's input from RGB bytes already at its size: the unweighted mean
 * of R, G and B over 768, i.e. grey / 256 as the training data (unrounded).
 */
export function modelInputOf(rgb: RawImage): Float32Array {
  if (rgb.channels !== 3) throw new Error("modelInputOf: RGB bytes expected");
  const input = new Float32Array(rgb.width * rgb.height);
  for (let p = 0, o = 0; p < input.length; p++, o += 3) {
    input[p] = (rgb.data[o] + rgb.data[o + 1] + rgb.data[o + 2]) / 768;
  }
  return input;
}

/**
 * The model's arg-max labels at its own size turned into pictures: its
 * palette colours (`prediction`, RGB at the model's size) and the photo
 * colourized at `original`'s size in `mode`.
 */
export function colourizeFromLabels(
  original: RawImage,
  labels: ArrayLike<number>,
  palette: Palette,
  size: { width: number; height: number },
  mode: ColourizeMode,
): { prediction: RawImage; colourized: RawImage } {
  const predicted = labelColours(labels, palette);
  const prediction: RawImage = {
    data: toBytes(predicted),
    width: size.width,
    height: size.height,
    channels: 3,
  };
  const colourized = mode === "palette"
    ? upsampleNearest(prediction, original.width, original.height)
    : transferChroma(original, predicted, size);
  return { prediction, colourized };
}

/** Grey replicated to RGB (RGB returned as is). */
export function toRgb(img: RawImage): RawImage {
  if (img.channels === 3) return img;
  const data = new Uint8Array(img.data.length * 3);
  for (let p = 0; p < img.data.length; p++) {
    data.fill(img.data[p], p * 3, p * 3 + 3);
  }
  return { ...img, data, channels: 3 };
}

/** Palette colour of every label, [n, 3] floats on the /256 scale. */
export function labelColours(
  labels: ArrayLike<number>,
  palette: Palette,
): Float32Array {
  const out = new Float32Array(labels.length * 3);
  for (let p = 0; p < labels.length; p++) {
    out.set(palette.colours.subarray(labels[p] * 3, labels[p] * 3 + 3), p * 3);
  }
  return out;
}

/** Floats on the /256 scale to bytes: floor(v * 256), clamped (as lib/io/images.ts). */
export function toBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.floor(values[i] * 256);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

/** Nearest-neighbour resize (pixel centres), RGB; exact palette colours survive. */
export function upsampleNearest(
  img: RawImage,
  width: number,
  height: number,
): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(
      img.height - 1,
      Math.floor(((y + 0.5) * img.height) / height),
    );
    for (let x = 0; x < width; x++) {
      const sx = Math.min(
        img.width - 1,
        Math.floor(((x + 0.5) * img.width) / width),
      );
      const s = (sy * img.width + sx) * 3;
      data.set(img.data.subarray(s, s + 3), (y * width + x) * 3);
    }
  }
  return { data, width, height, channels: 3 };
}

/**
 * The photo's grey plus the predicted chroma, bilinearly upsampled (pixel
 * centres aligned, edges clamped); chroma scaled down where it would leave
 * [0, 255/256] so that each output pixel's mean stays the photo's grey.
 */
export function transferChroma(
  original: RawImage,
  predicted: Float32Array,
  size: { width: number; height: number },
): RawImage {
  const { width: sw, height: sh } = size;
  const chroma = new Float32Array(predicted.length);
  for (let o = 0; o < predicted.length; o += 3) {
    const y = (predicted[o] + predicted[o + 1] + predicted[o + 2]) / 3;
    for (let k = 0; k < 3; k++) chroma[o + k] = predicted[o + k] - y;
  }
  const { width, height } = original;
  const out = new Uint8Array(width * height * 3);
  const top = 255 / 256;
  const c = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / height - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(sh - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / width - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(sw - 1, x0 + 1), wx = fx - x0;
      const a = (y0 * sw + x0) * 3, b = (y0 * sw + x1) * 3;
      const d = (y1 * sw + x0) * 3, e = (y1 * sw + x1) * 3;
      for (let k = 0; k < 3; k++) {
        c[k] = (1 - wy) * ((1 - wx) * chroma[a + k] + wx * chroma[b + k]) +
          wy * ((1 - wx) * chroma[d + k] + wx * chroma[e + k]);
      }
      const o = (y * width + x) * 3;
      const lum =
        (original.data[o] + original.data[o + 1] + original.data[o + 2]) / 768;
      // largest s <= 1 keeping lum + s * c[k] inside [0, top] for every k
      let s = 1;
      for (let k = 0; k < 3; k++) {
        if (c[k] > 0) s = Math.min(s, (top - lum) / c[k]);
        else if (c[k] < 0) s = Math.min(s, lum / -c[k]);
      }
      s = Math.max(0, s);
      for (let k = 0; k < 3; k++) {
        const v = Math.round((lum + s * c[k]) * 256);
        out[o + k] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return { data: out, width, height, channels: 3 };
}
