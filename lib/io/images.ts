/**
 * Float images -> PNG bytes with sharp: single images, labelled grids (grey input,
 * prediction, truth side by side) and SVG figures rasterised.
 *
 * Needs Deno's --allow-ffi (sharp is a native module).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import sharp, { type OverlayOptions } from "sharp";
import { FONT, FONT_SIZE } from "../style.ts";
import { escapeHtml } from "../io/html.ts";

/** NHWC float pixels in [0, 1) (as lib/data/types.ts ImageSet; RGB or grey). */
export interface Images {
  /** [count, height, width, channels], channel-last. */
  images: Float32Array;
  count: number;
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB); inferred from the array length when left out. */
  channels?: number;
}

/** A row of {@link imageGrid}: a label and its images, left to right. */
export interface GridRow {
  label: string;
  images: Images;
  /** A line under each image (e.g. its score). */
  captions?: string[];
}

function channelsOf(set: Images): number {
  const c = set.channels ??
    set.images.length / (set.count * set.height * set.width);
  if (c !== 1 && c !== 3) {
    throw new Error(
      `images: expected 1 or 3 channels, got ${c} ` +
        `(length ${set.images.length} for ${set.count}x${set.height}x${set.width})`,
    );
  }
  return c;
}

/** Image `index` as bytes: v / 256 scale back to 0..255, clamped. */
function imageBytes(set: Images, index: number, channels: number): Uint8Array {
  const size = set.height * set.width * channels;
  const out = new Uint8Array(size);
  const offset = index * size;
  for (let i = 0; i < size; i++) {
    const v = Math.floor(set.images[offset + i] * 256);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

/** One image scaled up by an integer factor with nearest neighbour (crisp pixels). */
function scaled(set: Images, index: number, scale: number) {
  const channels = channelsOf(set);
  const image = sharp(imageBytes(set, index, channels), {
    raw: { width: set.width, height: set.height, channels: channels as 1 | 3 },
  }).resize(set.width * scale, set.height * scale, { kernel: "nearest" });
  // Grey stays one channel (sharp would otherwise write RGB).
  return channels === 1 ? image.toColourspace("b-w") : image;
}

/**
 * Each image as its own PNG, scaled up `scale` times (default 1).
 * @see notebooks/01_colourization.ipynb
 */
export async function imagesToPng(
  set: Images,
  options: { scale?: number } = {},
): Promise<Uint8Array[]> {
  const scale = options.scale ?? 1;
  const out: Uint8Array[] = [];
  for (let i = 0; i < set.count; i++) {
    out.push(new Uint8Array(await scaled(set, i, scale).png().toBuffer()));
  }
  return out;
}

/**
 * A labelled grid: one row per {@link GridRow} (label on the left), images scaled
 * `scale` times (default 3), optional column labels on top; white background.
 * @see notebooks/01_colourization.ipynb, notebooks/04_skip_connections.ipynb
 */
export async function imageGrid(
  rows: GridRow[],
  options: { scale?: number; columnLabels?: string[]; gap?: number } = {},
): Promise<Uint8Array> {
  if (rows.length === 0) throw new Error("imageGrid: no rows");
  const scale = options.scale ?? 3;
  const gap = options.gap ?? 4;
  const cellW = Math.max(...rows.map((r) => r.images.width)) * scale;
  const imageH = Math.max(...rows.map((r) => r.images.height)) * scale;
  const captionH = rows.some((r) => r.captions?.length) ? FONT_SIZE + 6 : 0;
  const cellH = imageH + captionH;
  const columns = Math.max(...rows.map((r) => r.images.count));
  const fontSize = FONT_SIZE;
  const charW = fontSize * 0.62;
  const labelW =
    Math.ceil(Math.max(...rows.map((r) => r.label.length)) * charW) + 12;
  const headerH = options.columnLabels?.length ? fontSize + 10 : 0;
  const width = labelW + columns * (cellW + gap) + gap;
  const height = headerH + rows.length * (cellH + gap) + gap;

  const composites: OverlayOptions[] = [];
  const texts: string[] = [];
  for (const [r, row] of rows.entries()) {
    const top = headerH + gap + r * (cellH + gap);
    texts.push(
      `<text x="${labelW - 8}" y="${top + imageH / 2 + fontSize / 3}" ` +
        `text-anchor="end">${escapeHtml(row.label)}</text>`,
    );
    for (let c = 0; c < row.images.count; c++) {
      const input = await scaled(row.images, c, scale).png().toBuffer();
      const left = labelW + gap + c * (cellW + gap);
      composites.push({ input, left, top });
      const caption = row.captions?.[c];
      if (caption) {
        texts.push(
          `<text x="${left + cellW / 2}" y="${top + imageH + fontSize + 2}" ` +
            `text-anchor="middle">${escapeHtml(caption)}</text>`,
        );
      }
    }
  }
  for (const [c, label] of (options.columnLabels ?? []).entries()) {
    const x = labelW + gap + c * (cellW + gap) + cellW / 2;
    texts.push(
      `<text x="${x}" y="${fontSize + 2}" text-anchor="middle">${
        escapeHtml(label)
      }</text>`,
    );
  }
  const overlay =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `font-family="${FONT}" font-size="${fontSize}">${texts.join("")}</svg>`;
  composites.push({
    input: Buffer.from(overlay),
    left: 0,
    top: 0,
  });
  const png = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: 255, g: 255, b: 255 },
    },
  }).composite(composites).png().toBuffer();
  return new Uint8Array(png);
}

/**
 * Rasterises a standalone SVG (e.g. from lib/plots.ts) to PNG at `density` dpi
 * (default 144: twice the SVG's pixel size).
 * @see lib/plots.ts
 */
export async function svgToPng(
  svg: string,
  options: { density?: number } = {},
): Promise<Uint8Array> {
  const png = await sharp(new TextEncoder().encode(svg), {
    density: options.density ?? 144,
  })
    .flatten({ background: "#ffffff" }).png().toBuffer();
  return new Uint8Array(png);
}
