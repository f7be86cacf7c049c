/**
 * Part A.2: is the CNN's accuracy any good? Trivial baselines, per-colour
 * recall, and the colour-frequency evidence for "greyish" predictions.
 * Everything here works on plain label arrays (one palette index per pixel).
 *
 * @see notebooks/01_colourization.ipynb
 * @module
 */

/** Share of pixels of each palette colour (sums to 1). */
export function labelFrequencies(
  labels: ArrayLike<number>,
  numColours: number,
): Float64Array {
  const counts = new Float64Array(numColours);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  for (let c = 0; c < numColours; c++) counts[c] /= Math.max(1, labels.length);
  return counts;
}

/** Share of positions where two label arrays agree. */
export function accuracy(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
): number {
  if (labels.length !== predictions.length) {
    throw new Error(
      `accuracy: ${labels.length} labels vs ${predictions.length} predictions`,
    );
  }
  let hit = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === predictions[i]) hit++;
  }
  return hit / Math.max(1, labels.length);
}

function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

/** A baseline's rule and how well it does. */
export interface Baseline {
  /** Accuracy on the training pixels it was fitted on. */
  trainAccuracy: number;
  /** Accuracy on the validation pixels. */
  valAccuracy: number;
}

/**
 * Predict the single most frequent training colour for every pixel.
 * @see notebooks/01_colourization.ipynb
 */
export function mostFrequentColourBaseline(
  trainLabels: ArrayLike<number>,
  valLabels: ArrayLike<number>,
  numColours: number,
): Baseline & { colour: number } {
  const colour = argmax(labelFrequencies(trainLabels, numColours));
  const hits = (ls: ArrayLike<number>) => {
    let n = 0;
    for (let i = 0; i < ls.length; i++) if (ls[i] === colour) n++;
    return n / Math.max(1, ls.length);
  };
  return {
    colour,
    trainAccuracy: hits(trainLabels),
    valAccuracy: hits(valLabels),
  };
}

/** Grey value in [0, 1) -> bin index 0..bins-1. */
export function greyBin(grey: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(grey * bins)));
}

/**
 * Predict, for each pixel, the colour most often seen at its grey level in
 * the training set (grey quantised to `bins` levels; a level never seen in
 * training falls back to the overall most frequent colour). This is the best
 * any per-pixel rule can do without looking at neighbours.
 * @see notebooks/01_colourization.ipynb
 */
export function greyLevelBaseline(opts: {
  trainGrey: ArrayLike<number>;
  trainLabels: ArrayLike<number>;
  valGrey: ArrayLike<number>;
  valLabels: ArrayLike<number>;
  numColours: number;
  bins?: number;
}): Baseline & { colourOfBin: Uint8Array; bins: number } {
  const bins = opts.bins ?? 256;
  const nc = opts.numColours;
  const counts = new Float64Array(bins * nc);
  for (let i = 0; i < opts.trainLabels.length; i++) {
    counts[greyBin(opts.trainGrey[i], bins) * nc + opts.trainLabels[i]]++;
  }
  const fallback = argmax(labelFrequencies(opts.trainLabels, nc));
  const colourOfBin = new Uint8Array(bins);
  for (let b = 0; b < bins; b++) {
    const row = counts.subarray(b * nc, (b + 1) * nc);
    colourOfBin[b] = row.some((v) => v > 0) ? argmax(row) : fallback;
  }
  const predict = (grey: ArrayLike<number>) => {
    const out = new Uint8Array(grey.length);
    for (let i = 0; i < grey.length; i++) {
      out[i] = colourOfBin[greyBin(grey[i], bins)];
    }
    return out;
  };
  return {
    bins,
    colourOfBin,
    trainAccuracy: accuracy(opts.trainLabels, predict(opts.trainGrey)),
    valAccuracy: accuracy(opts.valLabels, predict(opts.valGrey)),
  };
}

/**
 * Recall of each colour: of the pixels whose true colour is c, the share
 * predicted as c (NaN where c never occurs).
 * @see notebooks/01_colourization.ipynb
 */
export function perColourRecall(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numColours: number,
): Float64Array {
  const total = new Float64Array(numColours);
  const hit = new Float64Array(numColours);
  for (let i = 0; i < labels.length; i++) {
    total[labels[i]]++;
    if (labels[i] === predictions[i]) hit[labels[i]]++;
  }
  return total.map((t, c) => (t > 0 ? hit[c] / t : NaN));
}

/** Saturation (HSV) and chroma (max - min of RGB) of one RGB colour. */
export function colourfulness(
  r: number,
  g: number,
  b: number,
): { saturation: number; chroma: number } {
  const max = Math.max(r, g, b), min = Math.min(r, g, b);
  return { saturation: max > 0 ? (max - min) / max : 0, chroma: max - min };
}

/** One palette colour's row of the usage table. */
export interface ColourUsage {
  colour: number;
  /** "#rrggbb" on the /256 scale. */
  hex: string;
  saturation: number;
  chroma: number;
  trainShare: number;
  valShare: number;
  predictedShare: number;
  /** NaN where the colour never occurs in validation. */
  recall: number;
}

/**
 * Per palette colour: how colourful it is, how often it is the truth in
 * train and validation, how often the model predicts it, and its recall.
 * @see notebooks/01_colourization.ipynb
 */
export function colourUsage(opts: {
  palette: Float32Array;
  trainLabels: ArrayLike<number>;
  valLabels: ArrayLike<number>;
  predictions: ArrayLike<number>;
}): ColourUsage[] {
  const nc = opts.palette.length / 3;
  const train = labelFrequencies(opts.trainLabels, nc);
  const val = labelFrequencies(opts.valLabels, nc);
  const pred = labelFrequencies(opts.predictions, nc);
  const recall = perColourRecall(opts.valLabels, opts.predictions, nc);
  return Array.from({ length: nc }, (_, c) => {
    const [r, g, b] = opts.palette.subarray(3 * c, 3 * c + 3);
    const hex = "#" +
      [r, g, b].map((v) =>
        Math.min(255, Math.round(v * 256)).toString(16).padStart(2, "0")
      ).join("");
    return {
      colour: c,
      hex,
      ...colourfulness(r, g, b),
      trainShare: train[c],
      valShare: val[c],
      predictedShare: pred[c],
      recall: recall[c],
    };
  });
}

/** The "greyish predictions" summary. */
export interface GreyishEvidence {
  /** Mean chroma of the true colours of validation pixels. */
  trueMeanChroma: number;
  /** Mean chroma of the predicted colours. */
  predictedMeanChroma: number;
  /** Share of true pixels whose colour is among the low-chroma half of the palette. */
  trueLowChromaShare: number;
  /** Share of predicted pixels in the low-chroma half of the palette. */
  predictedLowChromaShare: number;
  /** Mean recall over the low-chroma / high-chroma halves (colours that occur). */
  lowChromaRecall: number;
  highChromaRecall: number;
  /** Chroma threshold between the halves (the palette's median chroma). */
  chromaThreshold: number;
}

/**
 * Do predictions favour grey-ish palette colours more than the truth does?
 * Splits the palette at its median chroma and compares shares and recalls.
 * @see notebooks/01_colourization.ipynb
 */
export function greyishEvidence(usage: ColourUsage[]): GreyishEvidence {
  const sorted = usage.map((u) => u.chroma).sort((a, b) => a - b);
  const threshold = sorted[Math.floor((sorted.length - 1) / 2)];
  const low = usage.filter((u) => u.chroma <= threshold);
  const high = usage.filter((u) => u.chroma > threshold);
  const sum = (us: ColourUsage[], f: (u: ColourUsage) => number) =>
    us.reduce((a, u) => a + f(u), 0);
  const meanRecall = (us: ColourUsage[]) => {
    const seen = us.filter((u) => !Number.isNaN(u.recall));
    return seen.length ? sum(seen, (u) => u.recall) / seen.length : NaN;
  };
  return {
    trueMeanChroma: sum(usage, (u) => u.valShare * u.chroma),
    predictedMeanChroma: sum(usage, (u) => u.predictedShare * u.chroma),
    trueLowChromaShare: sum(low, (u) => u.valShare),
    predictedLowChromaShare: sum(low, (u) => u.predictedShare),
    lowChromaRecall: meanRecall(low),
    highChromaRecall: meanRecall(high),
    chromaThreshold: threshold,
  };
}
