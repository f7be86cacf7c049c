/**
 * The sample sheet of a run (`samples.png`): for a colourization run, a few
 * validation images, one row each with the grey input, the model's colours,
 * the palette ground truth and the original photograph, upscaled (nearest)
 * so a person can see 32x32 pixels; for a segmentation run, the first test
 * photos with the true and the predicted masks.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { paletteToRgb } from "../data/palette.ts";
import type { ImageSet, Palette } from "../data/types.ts";
import { predictionPicture } from "../finetune/pictures.ts";
import { predictLabels } from "../train/evaluate.ts";
import type { RunConfig } from "./config.ts";
import type { Prepared } from "./run.ts";

/** Validation images a colourization run's samples.png draws. */
export const SAMPLE_COUNT = 10;

/** samples.png of a trained run. */
export async function runSamplesPng(
  config: RunConfig,
  model: tf.LayersModel,
  prepared: Prepared,
): Promise<Uint8Array> {
  const { data } = prepared;
  const pixels = data.height * data.width;
  const valCount = data.valY.length / pixels;
  if (config.task === "segmentation") {
    const seg = prepared.segmentation!;
    const grey = { count: valCount, height: data.height, width: data.width };
    const predicted = await predictLabels(model, data.valX, grey);
    return await predictionPicture(seg.test, { prediction: predicted });
  }
  const count = Math.min(SAMPLE_COUNT, valCount);
  const grey = data.valX.subarray(0, count * pixels);
  const predicted = await predictLabels(model, grey, {
    count,
    height: data.height,
    width: data.width,
  });
  return await sampleSheetPng({
    images: prepared.colour!.val,
    grey,
    predicted,
    truth: data.valY,
    palette: prepared.palette!,
    count,
  });
}

/** What one sample sheet shows. */
export interface SampleSheet {
  /** Validation images (RGB, /256), their first `count` are drawn. */
  images: ImageSet;
  /** Grey inputs, [count, h, w, 1]. */
  grey: Float32Array;
  /** Predicted palette index per pixel of the first `count` images. */
  predicted: Uint8Array;
  /** Palette ground-truth index per pixel, same layout. */
  truth: Uint8Array;
  palette: Palette;
  /** Rows (images) to draw. */
  count: number;
  /** Upscaling factor (default 4). */
  scale?: number;
}

/** Column order of the sheet, left to right. */
export const SAMPLE_COLUMNS = [
  "grey input",
  "prediction",
  "palette ground truth",
  "original",
] as const;

/**
 * RGB bytes of the sheet: `count` rows x 4 columns, 2-pixel white gutters.
 */
export function sampleSheetPixels(
  s: SampleSheet,
): { data: Uint8Array; width: number; height: number } {
  const { height: h, width: w } = s.images;
  const scale = s.scale ?? 4;
  const gap = 2;
  const cellW = w * scale;
  const cellH = h * scale;
  const width = SAMPLE_COLUMNS.length * cellW +
    (SAMPLE_COLUMNS.length + 1) * gap;
  const height = s.count * cellH + (s.count + 1) * gap;
  const out = new Uint8Array(width * height * 3).fill(255);
  const pixels = h * w;
  const predRgb = paletteToRgb(
    s.predicted.subarray(0, s.count * pixels),
    s.palette,
  );
  const truthRgb = paletteToRgb(
    s.truth.subarray(0, s.count * pixels),
    s.palette,
  );
  const toByte = (v: number) => Math.max(0, Math.min(255, Math.round(v * 256)));
  for (let i = 0; i < s.count; i++) {
    for (let c = 0; c < SAMPLE_COLUMNS.length; c++) {
      const x0 = gap + c * (cellW + gap);
      const y0 = gap + i * (cellH + gap);
      for (let y = 0; y < cellH; y++) {
        for (let x = 0; x < cellW; x++) {
          const p = i * pixels + Math.floor(y / scale) * w +
            Math.floor(x / scale);
          let rgb: [number, number, number];
          if (c === 0) rgb = [s.grey[p], s.grey[p], s.grey[p]];
          else if (c === 1) {
            rgb = [predRgb[3 * p], predRgb[3 * p + 1], predRgb[3 * p + 2]];
          } else if (c === 2) {
            rgb = [truthRgb[3 * p], truthRgb[3 * p + 1], truthRgb[3 * p + 2]];
          } else {rgb = [
              s.images.images[3 * p],
              s.images.images[3 * p + 1],
              s.images.images[3 * p + 2],
            ];}
          const o = ((y0 + y) * width + x0 + x) * 3;
          out[o] = toByte(rgb[0]);
          out[o + 1] = toByte(rgb[1]);
          out[o + 2] = toByte(rgb[2]);
        }
      }
    }
  }
  return { data: out, width, height };
}

/**
 * The sheet as PNG bytes (encoded with sharp).
 */
export async function sampleSheetPng(s: SampleSheet): Promise<Uint8Array> {
  const { data, width, height } = sampleSheetPixels(s);
  const png = await sharp(data, { raw: { width, height, channels: 3 } }).png()
    .toBuffer();
  return new Uint8Array(png);
}
