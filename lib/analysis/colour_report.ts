/**
 * Part A.2 in one call: the model's validation accuracy beside the trivial
 * baselines, per-colour usage and recall, the "greyish" evidence, and the
 * sentences that state them.
 *
 * @see notebooks/01_colourization.ipynb
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Palette } from "../data/types.ts";
import type { Images } from "../io/images.ts";
import { predictLabels } from "../train/evaluate.ts";
import type { TrainData } from "../train/types.ts";
import {
  accuracy,
  type Baseline,
  type ColourUsage,
  colourUsage,
  type GreyishEvidence,
  greyishEvidence,
  greyLevelBaseline,
  mostFrequentColourBaseline,
} from "./colour_stats.ts";

/** Everything notebook 01 measures about one model's predictions. */
export interface ColourReport {
  modelAccuracy: number;
  mostFrequent: Baseline & { colour: number };
  greyLevel: Baseline & { bins: number };
  usage: ColourUsage[];
  evidence: GreyishEvidence;
}

/**
 * Scores `predictions` (arg-max labels of td's validation pixels) against
 * the baselines fitted on td's training pixels.
 * @see notebooks/01_colourization.ipynb
 */
export function colourReport(
  td: TrainData,
  palette: Palette,
  predictions: Uint8Array,
  opts: { bins?: number } = {},
): ColourReport {
  const nc = palette.numColours;
  const usage = colourUsage({
    palette: palette.colours,
    trainLabels: td.trainY,
    valLabels: td.valY,
    predictions,
  });
  const greyLevel = greyLevelBaseline({
    trainGrey: td.trainX,
    trainLabels: td.trainY,
    valGrey: td.valX,
    valLabels: td.valY,
    numColours: nc,
    bins: opts.bins,
  });
  return {
    modelAccuracy: accuracy(td.valY, predictions),
    mostFrequent: mostFrequentColourBaseline(td.trainY, td.valY, nc),
    greyLevel: {
      bins: greyLevel.bins,
      trainAccuracy: greyLevel.trainAccuracy,
      valAccuracy: greyLevel.valAccuracy,
    },
    usage,
    evidence: greyishEvidence(usage),
  };
}

/**
 * {@link colourReport} of a model's arg-max predictions on td's validation set.
 * @see notebooks/01_colourization.ipynb
 */
export async function modelColourReport(
  model: tf.LayersModel,
  td: TrainData,
  palette: Palette,
): Promise<ColourReport> {
  const count = td.valY.length / (td.height * td.width);
  const predictions = await predictLabels(model, td.valX, {
    count,
    height: td.height,
    width: td.width,
  });
  return colourReport(td, palette, predictions);
}

/**
 * The accuracy table: each model, then the two baselines (from the first report).
 * @see notebooks/01_colourization.ipynb
 */
export function baselineRows(
  reports: { name: string; report: ColourReport }[],
): {
  predictor: string;
  "validation accuracy": number;
  "training accuracy": number | null;
}[] {
  const report = reports[0].report;
  return [
    ...reports.map((r) => ({
      predictor: r.name,
      "validation accuracy": r.report.modelAccuracy,
      "training accuracy": null,
    })),
    {
      predictor:
        `most frequent colour (#${report.mostFrequent.colour}) everywhere`,
      "validation accuracy": report.mostFrequent.valAccuracy,
      "training accuracy": report.mostFrequent.trainAccuracy,
    },
    {
      predictor:
        `most frequent colour per grey level (${report.greyLevel.bins} levels)`,
      "validation accuracy": report.greyLevel.valAccuracy,
      "training accuracy": report.greyLevel.trainAccuracy,
    },
  ];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * The measured answer to "do the results look good?" in a few sentences.
 * @see notebooks/01_colourization.ipynb
 */
export function describeColourReport(
  r: ColourReport,
  modelName: string,
): string {
  const e = r.evidence;
  const vsGrey = r.modelAccuracy - r.greyLevel.valAccuracy;
  return [
    `${modelName} colours ${
      pct(r.modelAccuracy)
    } of validation pixels right; ` +
    `always answering the most frequent colour gets ${
      pct(r.mostFrequent.valAccuracy)
    }, ` +
    `and the best per-pixel rule from grey level alone gets ${
      pct(r.greyLevel.valAccuracy)
    } ` +
    `(${vsGrey >= 0 ? "+" : ""}${
      (100 * vsGrey).toFixed(1)
    } points for the network).`,
    `Half of the palette (chroma <= ${
      e.chromaThreshold.toFixed(3)
    }) is near-grey: those colours are ` +
    `${pct(e.trueLowChromaShare)} of the true pixels but ${
      pct(e.predictedLowChromaShare)
    } of the ` +
    `predicted ones; mean chroma of the predicted colours ${
      e.predictedMeanChroma.toFixed(3)
    } vs ` +
    `${e.trueMeanChroma.toFixed(3)} for the truth; mean recall ${
      pct(e.lowChromaRecall)
    } for the ` +
    `near-grey half vs ${pct(e.highChromaRecall)} for the colourful half.`,
  ].join(" ");
}

/**
 * Per palette colour, for a table: colour, chroma, shares in train /
 * validation / predictions, recall; sorted from least to most colourful.
 * @see notebooks/01_colourization.ipynb
 */
export function usageRows(
  report: ColourReport,
): Record<string, string | number>[] {
  return [...report.usage].sort((a, b) => a.chroma - b.chroma).map((u) => ({
    colour: `${u.colour} ${u.hex}`,
    chroma: u.chroma,
    "train share": u.trainShare,
    "val share": u.valShare,
    "predicted share": u.predictedShare,
    recall: u.recall,
  }));
}

/**
 * The palette as square swatches (8x8 each) in the order of
 * {@link usageRows}, for lib/io/images.ts `imageGrid`.
 * @see notebooks/01_colourization.ipynb
 */
export function paletteSwatches(
  report: ColourReport,
  palette: Palette,
): Images {
  const order = [...report.usage].sort((a, b) => a.chroma - b.chroma).map((u) =>
    u.colour
  );
  const side = 8;
  const images = new Float32Array(order.length * side * side * 3);
  order.forEach((c, i) => {
    for (let p = 0; p < side * side; p++) {
      images.set(
        palette.colours.subarray(3 * c, 3 * c + 3),
        (i * side * side + p) * 3,
      );
    }
  });
  return {
    images,
    count: order.length,
    height: side,
    width: side,
    channels: 3,
  };
}
