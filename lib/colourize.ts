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
import {
  colourizeFromLabels,
  type ColourizeMode,
  greyOf,
  modelInputOf,
  type RawImage,
  toRgb,
  upsampleNearest,
} from "./colourize_pixels.ts";

export {
  type ColourizeMode,
  greyOf,
  type RawImage,
} from "./colourize_pixels.ts";

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
  const labels = await predictLabels(model, modelInputOf(small), {
    count: 1,
    height: mh,
    width: mw,
  });
  const { prediction, colourized } = colourizeFromLabels(
    original,
    labels,
    palette,
    { width: mw, height: mh },
    mode,
  );
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

async function encodePng(img: RawImage): Promise<Uint8Array> {
  const png = await sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: img.channels },
  }).png().toBuffer();
  return new Uint8Array(png);
}
