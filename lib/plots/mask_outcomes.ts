/**
 * Predicted masks drawn as outcomes on the photos: the photo in grey (what
 * the network sees), its pixels coloured by true positive (horse found),
 * false positive (background called horse) and false negative (horse
 * missed), with each image's IoU under it, and a legend. Colours of the
 * Okabe-Ito palette, told apart with colour-blind eyes too, and visible on
 * any coat: a single tint over the photo vanishes on a chestnut horse.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { escapeHtml } from "../io/html.ts";
import { type GridRow, imageGrid, type Images } from "../io/images.ts";
import { FONT, FONT_SIZE } from "../style.ts";

/** The photos: [count, S, S, 3] RGB in [0, 1), their true masks, names. */
export interface MaskPhotos {
  images: Float32Array;
  masks: Uint8Array;
  names: string[];
  count: number;
  size: number;
}

/** One row: a label, the predicted masks of every photo ([count, S, S] 0/1) and each photo's IoU. */
export interface MaskRow {
  label: string;
  masks: Uint8Array;
  iou: number[];
}

/** Outcome colours, RGB in [0, 1]. */
export const OUTCOME_COLOURS = {
  "horse found (true positive)": [0, 0.447, 0.698],
  "background called horse (false positive)": [0.835, 0.369, 0],
  "horse missed (false negative)": [0.941, 0.894, 0.259],
} as const;

const [TP, FP, FN] = Object.values(OUTCOME_COLOURS);

/** The photos `indices` as Images: in colour, or grey with outcome colours. */
function outcomeImages(
  photos: MaskPhotos,
  indices: number[],
  predicted?: Uint8Array,
): Images {
  const per = photos.size * photos.size;
  const images = new Float32Array(indices.length * per * 3);
  indices.forEach((i, k) => {
    for (let p = 0; p < per; p++) {
      const o = (i * per + p) * 3;
      const rgb = [
        photos.images[o],
        photos.images[o + 1],
        photos.images[o + 2],
      ];
      let out = rgb;
      if (predicted) {
        // grey, squeezed to mid-tones so that every colour shows on it
        const g = 0.2 + 0.55 * (rgb[0] + rgb[1] + rgb[2]) / 3;
        const truth = photos.masks[i * per + p] !== 0;
        const pred = predicted[i * per + p] !== 0;
        const tint = truth && pred ? TP : pred ? FP : truth ? FN : undefined;
        out = tint ? tint.map((t) => 0.3 * g + 0.7 * t) : [g, g, g];
      }
      images.set(out, (k * per + p) * 3);
    }
  });
  return {
    images,
    count: indices.length,
    height: photos.size,
    width: photos.size,
    channels: 3,
  };
}

/**
 * `count` photos spread over the range of `iou` (best, ..., worst), by
 * their rank: the columns of {@link maskOutcomes}.
 */
export function spreadByScore(iou: number[], count: number): number[] {
  const order = iou.map((v, i) => ({ v, i })).sort((a, b) =>
    b.v - a.v || a.i - b.i
  ).map((x) => x.i);
  const k = Math.min(count, order.length);
  if (k <= 1) return order.slice(0, k);
  return Array.from(
    { length: k },
    (_, j) => order[Math.round((j * (order.length - 1)) / (k - 1))],
  );
}

/**
 * PNG: the photos `indices` in colour (top row), then one row per
 * {@link MaskRow} with the outcome colours and each image's IoU, and the
 * legend under the grid.
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function maskOutcomes(
  photos: MaskPhotos,
  rows: MaskRow[],
  opts: { indices: number[]; scale?: number },
): Promise<Uint8Array> {
  const { indices } = opts;
  const grid: GridRow[] = [
    { label: "photo", images: outcomeImages(photos, indices) },
    ...rows.map((r) => ({
      label: r.label,
      images: outcomeImages(photos, indices, r.masks),
      captions: indices.map((i) => `IoU ${r.iou[i].toFixed(2)}`),
    })),
  ];
  const png = await imageGrid(grid, {
    scale: opts.scale ?? Math.max(1, Math.round(128 / photos.size)),
    columnLabels: indices.map((i) => photos.names[i]),
  });
  return await withLegend(png);
}

/** The grid with the outcome legend in a strip below it. */
async function withLegend(png: Uint8Array): Promise<Uint8Array> {
  const meta = await sharp(png).metadata();
  const width = meta.width!;
  const strip = FONT_SIZE + 16;
  const items: string[] = [];
  let x = 12;
  for (const [label, c] of Object.entries(OUTCOME_COLOURS)) {
    const fill = `rgb(${c.map((v) => Math.round(255 * v)).join(",")})`;
    items.push(
      `<rect x="${x}" y="6" width="14" height="14" fill="${fill}"/>`,
      `<text x="${x + 20}" y="${6 + FONT_SIZE}">${escapeHtml(label)}</text>`,
    );
    x += 20 + label.length * FONT_SIZE * 0.62 + 24;
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${
    Math.max(width, Math.ceil(x))
  }" height="${strip}" font-family="${FONT}" font-size="${FONT_SIZE}">${
    items.join("")
  }</svg>`;
  const out = await sharp(png)
    .extend({
      bottom: strip,
      right: Math.max(0, Math.ceil(x) - width),
      background: { r: 255, g: 255, b: 255 },
    })
    .composite([{ input: Buffer.from(svg), left: 0, top: meta.height! }])
    .png().toBuffer();
  return new Uint8Array(out);
}
