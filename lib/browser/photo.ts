/**
 * The reader's photo in the browser: decoded by the browser itself (EXIF
 * orientation applied, so phone photos come out upright), scaled down to at
 * most `WORKING_MAX` (live_data.ts) pixels a side before anything else, and resized
 * (stretched, as `deno task colourize` does) to a model's input size. The
 * browser's decoding and smoothing stand in for sharp's Lanczos: the grey
 * the models see differs from the CLI's by a few levels, not in kind.
 *
 * @module
 */
import type { RawImage } from "../colourize_pixels.ts";

/** A file that the browser cannot decode as an image. */
export class PhotoError extends Error {
  /** `name`: the file's name, for the message. */
  constructor(name: string, cause?: unknown) {
    super(
      `${name}: not an image this browser can read (try a JPEG, PNG or WebP)`,
      { cause },
    );
    this.name = "PhotoError";
  }
}

/** Decodes an image file, upright (EXIF orientation applied). */
export async function decodePhoto(
  file: Blob,
  name: string,
): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (e) {
    throw new PhotoError(name, e);
  }
}

/** Width and height scaled to fit `max` on the longer side (never enlarged). */
export function fitWithin(
  width: number,
  height: number,
  max: number,
): { width: number; height: number } {
  const s = Math.min(1, max / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * s)),
    height: Math.max(1, Math.round(height * s)),
  };
}

function canvasOf(width: number, height: number): HTMLCanvasElement {
  const c = document.createElement("canvas");
  c.width = width;
  c.height = height;
  return c;
}

/**
 * Draws `source` at width x height (stretched) onto white, halving in steps
 * first where it shrinks by more than 2x (one bilinear step from far away
 * would skip most pixels), and returns the RGB bytes.
 */
export function resizeToRgb(
  source: CanvasImageSource & { width: number; height: number },
  width: number,
  height: number,
): RawImage {
  let current: CanvasImageSource = source;
  let w = source.width, h = source.height;
  while (w > 2 * width || h > 2 * height) {
    const nw = Math.max(width, Math.round(w / 2));
    const nh = Math.max(height, Math.round(h / 2));
    const step = canvasOf(nw, nh);
    const sctx = step.getContext("2d")!;
    sctx.imageSmoothingQuality = "high";
    sctx.drawImage(current, 0, 0, nw, nh);
    current = step;
    w = nw;
    h = nh;
  }
  const c = canvasOf(width, height);
  const ctx = c.getContext("2d", { willReadFrequently: true })!;
  // Transparency flattened onto white, as the CLI does.
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(current, 0, 0, width, height);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let p = 0, o = 0; o < data.length; p += 4, o += 3) {
    data[o] = rgba[p];
    data[o + 1] = rgba[p + 1];
    data[o + 2] = rgba[p + 2];
  }
  return { data, width, height, channels: 3 };
}

/** RGB or grey bytes as a canvas of their size. */
export function rawToCanvas(img: RawImage): HTMLCanvasElement {
  const c = canvasOf(img.width, img.height);
  const ctx = c.getContext("2d")!;
  const out = ctx.createImageData(img.width, img.height);
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) {
    const o = p * img.channels;
    out.data[4 * p] = img.data[o];
    out.data[4 * p + 1] = img.data[img.channels === 3 ? o + 1 : o];
    out.data[4 * p + 2] = img.data[img.channels === 3 ? o + 2 : o];
    out.data[4 * p + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
  return c;
}
