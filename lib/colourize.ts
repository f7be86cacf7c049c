/**
 * Colourize a user's own photo (any size; JPEG, PNG, WebP or anything else
 * sharp decodes) with a trained colourization model.
 *
 * The model sees the photo as the training data looked: resized (stretched,
 * not cropped) to its input size, usually 32x32, grey = unweighted mean of
 * R, G, B, pixels / 256. Its arg-max palette colour per pixel is then mapped
 * back to the photo's own size in one of two ways:
 *
 * - `"luminance"` (default): the chroma of the predicted colour (colour minus
 *   its grey, R - Y, G - Y, B - Y with Y = (R + G + B) / 3) is upsampled
 *   bilinearly and added to the photo's full-resolution grey. The output's
 *   grey equals the photo's grey, so all its detail survives; where grey +
 *   chroma would leave [0, 1], the chroma is scaled down (luminance kept).
 * - `"palette"`: the plain prediction, palette colours upsampled with nearest
 *   neighbour (blocky: one block per model pixel).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import type { Palette } from "./data/types.ts";
import { imageGrid } from "./io/images.ts";
import { predictLabels } from "./train/evaluate.ts";

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

/** What {@link colourizeImage} returns: the output and every stage of it. */
export interface Colourization {
  /** The colourized photo as PNG, at the original size. */
  png: Uint8Array;
  /** The photo as decoded (orientation applied, alpha flattened on white), RGB. */
  original: RawImage;
  /** Its full-resolution grey, (R + G + B) / 3. */
  grey: RawImage;
  /** What the model saw: the grey photo at the model's input size. */
  modelInput: RawImage;
  /** The model's arg-max palette colours at its own size (RGB). */
  prediction: RawImage;
  /** The colourized photo, RGB, original size. */
  colourized: RawImage;
  mode: ColourizeMode;
}

/** A file that is not an image sharp can read: the message names it. */
export class ImageError extends Error {
  /** The image concerned. */
  readonly source: string;

  /** `source`: the file (or a name for the bytes); `cause`: sharp's error. */
  constructor(message: string, source: string, cause?: unknown) {
    super(message, { cause });
    this.name = "ImageError";
    this.source = source;
  }
}

/**
 * Decodes any image sharp reads to 8-bit RGB: EXIF orientation applied,
 * transparency flattened onto white, first frame of an animation.
 * Throws {@link ImageError} naming `source` for anything unreadable.
 */
export async function decodeRgb(
  bytes: Uint8Array,
  source = "image",
): Promise<RawImage> {
  try {
    const { data, info } = await sharp(bytes, { failOn: "error" })
      .autoOrient()
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      throw new Error(`decoded to ${info.channels} channels, expected 3`);
    }
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: 3,
    };
  } catch (e) {
    throw new ImageError(
      `${source}: not a readable image (JPEG, PNG, WebP, ...): ${
        (e as Error).message
      }`,
      source,
      e,
    );
  }
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

/** The model's input height and width, from its input shape [null, H, W, 1]. */
export function modelInputSize(
  model: tf.LayersModel,
): { height: number; width: number } {
  const shape = model.inputs[0].shape;
  const [height, width, channels] = [shape[1], shape[2], shape[3]];
  if (!height || !width || channels !== 1) {
    throw new Error(
      `the model's input must be [batch, H, W, 1] (grey) with fixed H and W, got [${shape}]`,
    );
  }
  return { height, width };
}

/**
 * Colourizes a photo at its original size with `model` (BatchNorm in
 * inference mode) and its `palette`; see the module doc for the two modes.
 * Throws {@link ImageError} naming `opts.source` when the bytes are not an image.
 */
export async function colourizeImage(
  model: tf.LayersModel,
  palette: Palette,
  bytes: Uint8Array,
  opts: { mode?: ColourizeMode; source?: string } = {},
): Promise<Colourization> {
  const mode = opts.mode ?? "luminance";
  const { height: mh, width: mw } = modelInputSize(model);
  const original = await decodeRgb(bytes, opts.source);
  const grey = greyOf(original);
  // Resize the colour photo, then take its grey: the same as the training
  // data, whose grey was taken of 32x32 colour images.
  const small = await resizeRgb(original, mw, mh);
  const modelInput = greyOf(small);
  const input = new Float32Array(mw * mh);
  for (let p = 0, o = 0; p < input.length; p++, o += 3) {
    input[p] = (small.data[o] + small.data[o + 1] + small.data[o + 2]) / 768;
  }
  const labels = await predictLabels(model, input, {
    count: 1,
    height: mh,
    width: mw,
  });
  const predicted = labelColours(labels, palette);
  const prediction: RawImage = {
    data: toBytes(predicted),
    width: mw,
    height: mh,
    channels: 3,
  };
  const colourized = mode === "palette"
    ? upsampleNearest(prediction, original.width, original.height)
    : transferChroma(original, predicted, { width: mw, height: mh });
  const png = await encodePng(colourized);
  return { png, original, grey, modelInput, prediction, colourized, mode };
}

/**
 * A side-by-side sheet: original, grey, the model's own low-resolution
 * prediction (nearest-neighbour), colourized; each panel fitted into a
 * `panelSize` square (default 320 px) keeping the aspect ratio.
 */
export async function comparisonPng(
  c: Colourization,
  opts: { panelSize?: number } = {},
): Promise<Uint8Array> {
  const box = opts.panelSize ?? 320;
  const { width, height } = c.original;
  const s = box / Math.max(width, height);
  const pw = Math.max(1, Math.round(width * s));
  const ph = Math.max(1, Math.round(height * s));
  const panels = [
    await resizeRgb(c.original, pw, ph),
    await resizeRgb(toRgb(c.grey), pw, ph),
    upsampleNearest(c.prediction, pw, ph),
    await resizeRgb(c.colourized, pw, ph),
  ];
  const images = new Float32Array(panels.length * pw * ph * 3);
  panels.forEach((p, i) => {
    for (let j = 0; j < p.data.length; j++) {
      images[i * p.data.length + j] = p.data[j] / 256;
    }
  });
  const { height: mh, width: mw } = c.prediction;
  return await imageGrid(
    [{
      label: "",
      images: {
        images,
        count: panels.length,
        height: ph,
        width: pw,
        channels: 3,
      },
    }],
    {
      scale: 1,
      columnLabels: [
        `original ${width}x${height}`,
        "grey",
        `model output ${mw}x${mh}`,
        `colourized (${c.mode})`,
      ],
    },
  );
}

/** RGB bytes resized to width x height with sharp (stretched; Lanczos). */
async function resizeRgb(
  img: RawImage,
  width: number,
  height: number,
): Promise<RawImage> {
  if (img.width === width && img.height === height) return toRgb(img);
  const data = await sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: img.channels },
  }).resize(width, height, { fit: "fill" }).toColourspace("srgb").raw()
    .toBuffer();
  return { data: new Uint8Array(data), width, height, channels: 3 };
}

/** Grey replicated to RGB (RGB returned as is). */
function toRgb(img: RawImage): RawImage {
  if (img.channels === 3) return img;
  const data = new Uint8Array(img.data.length * 3);
  for (let p = 0; p < img.data.length; p++) {
    data.fill(img.data[p], p * 3, p * 3 + 3);
  }
  return { ...img, data, channels: 3 };
}

/** Palette colour of every label, [n, 3] floats on the /256 scale. */
function labelColours(labels: Uint8Array, palette: Palette): Float32Array {
  const out = new Float32Array(labels.length * 3);
  for (let p = 0; p < labels.length; p++) {
    out.set(palette.colours.subarray(labels[p] * 3, labels[p] * 3 + 3), p * 3);
  }
  return out;
}

/** Floats on the /256 scale to bytes: floor(v * 256), clamped (as lib/io/images.ts). */
function toBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.floor(values[i] * 256);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

/** Nearest-neighbour resize (pixel centres), RGB; exact palette colours survive. */
function upsampleNearest(
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
function transferChroma(
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

async function encodePng(img: RawImage): Promise<Uint8Array> {
  const png = await sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: img.channels },
  }).png().toBuffer();
  return new Uint8Array(png);
}
