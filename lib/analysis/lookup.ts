/**
 * The grey-level lookup as a predictor of colour distributions, not only of
 * one colour: p(colour | grey level) counted on the training pixels. Its
 * cross-entropy is comparable with a network's loss, and fitting it on block
 * means of the grey image (what a network sees after pooling) measures what
 * losing each pixel's own grey level costs.
 *
 * @see notebooks/01_colourization.ipynb
 * @module
 */
import type { TrainData } from "../train/types.ts";
import { greyBin } from "./colour_stats.ts";

/** Accuracy and cross-entropy of a lookup on the validation pixels. */
export interface LookupScore {
  /** Share of validation pixels whose most likely colour is the label. */
  accuracy: number;
  /** Mean -log p(label | grey level), nats per pixel (as the networks' loss). */
  crossEntropy: number;
  /** The same accuracy on the training pixels it was counted on. */
  trainAccuracy: number;
}

/**
 * Each pixel's grey level replaced by the mean of its `block` x `block`
 * block (block 1: unchanged), image by image.
 */
export function blockMeans(
  grey: Float32Array,
  shape: { count: number; height: number; width: number },
  block: number,
): Float32Array {
  if (block === 1) return grey;
  const { count, height: h, width: w } = shape;
  const out = new Float32Array(grey.length);
  for (let n = 0; n < count; n++) {
    const base = n * h * w;
    for (let by = 0; by < h; by += block) {
      for (let bx = 0; bx < w; bx += block) {
        let sum = 0;
        let k = 0;
        for (let y = by; y < Math.min(h, by + block); y++) {
          for (let x = bx; x < Math.min(w, bx + block); x++) {
            sum += grey[base + y * w + x];
            k++;
          }
        }
        for (let y = by; y < Math.min(h, by + block); y++) {
          for (let x = bx; x < Math.min(w, bx + block); x++) {
            out[base + y * w + x] = sum / k;
          }
        }
      }
    }
  }
  return out;
}

/** The fitted lookup: the arg-max colour and log p(colour | bin) per grey bin. */
interface FittedLookup {
  bins: number;
  best: Uint8Array;
  logP: Float64Array;
  trainGrey: Float32Array;
  valGrey: Float32Array;
}

function fitLookup(
  td: TrainData,
  opts: { bins?: number; block?: number },
): FittedLookup {
  const bins = opts.bins ?? 256;
  const block = opts.block ?? 1;
  const nc = td.numColours;
  const pixels = td.height * td.width;
  const shape = (y: Uint8Array) => ({
    count: y.length / pixels,
    height: td.height,
    width: td.width,
  });
  const trainGrey = blockMeans(td.trainX, shape(td.trainY), block);
  const valGrey = blockMeans(td.valX, shape(td.valY), block);
  const counts = new Float64Array(bins * nc).fill(1);
  for (let i = 0; i < td.trainY.length; i++) {
    counts[greyBin(trainGrey[i], bins) * nc + td.trainY[i]]++;
  }
  const logP = new Float64Array(bins * nc);
  const best = new Uint8Array(bins);
  for (let b = 0; b < bins; b++) {
    let total = 0;
    let arg = 0;
    for (let c = 0; c < nc; c++) {
      total += counts[b * nc + c];
      if (counts[b * nc + c] > counts[b * nc + arg]) arg = c;
    }
    best[b] = arg;
    for (let c = 0; c < nc; c++) {
      logP[b * nc + c] = Math.log(counts[b * nc + c] / total);
    }
  }
  return { bins, best, logP, trainGrey, valGrey };
}

/**
 * The lookup p(colour | grey level) counted on td's training pixels (256
 * levels; add-one smoothing over the colours, so that no validation pixel
 * gets probability 0), scored on td's validation pixels. With `block` > 1 the
 * grey level is the block's mean in training and validation alike.
 */
export function greyLookup(
  td: TrainData,
  opts: { bins?: number; block?: number } = {},
): LookupScore {
  const { bins, best, logP, trainGrey, valGrey } = fitLookup(td, opts);
  const nc = td.numColours;
  const score = (grey: Float32Array, labels: Uint8Array) => {
    let hits = 0;
    let nll = 0;
    for (let i = 0; i < labels.length; i++) {
      const b = greyBin(grey[i], bins);
      if (best[b] === labels[i]) hits++;
      nll -= logP[b * nc + labels[i]];
    }
    return {
      accuracy: hits / labels.length,
      crossEntropy: nll / labels.length,
    };
  };
  const val = score(valGrey, td.valY);
  return { ...val, trainAccuracy: score(trainGrey, td.trainY).accuracy };
}

/**
 * The lookup's arg-max colour for every validation pixel of td (the labels
 * behind {@link greyLookup}'s accuracy), to compare pixel by pixel with a
 * network's predictions.
 */
export function greyLookupLabels(
  td: TrainData,
  opts: { bins?: number; block?: number } = {},
): Uint8Array {
  const { bins, best, valGrey } = fitLookup(td, opts);
  return td.valY.map((_, i) => best[greyBin(valGrey[i], bins)]);
}
