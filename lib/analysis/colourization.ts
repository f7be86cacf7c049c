/**
 * Part A.2, "do the results look good, and why or why not?", measured on the
 * runs in front of the reader: each run's final numbers and colour report,
 * the two trivial predictors, the grey-level lookup as a probabilistic
 * predictor (its cross-entropy beside the networks' loss), and the lookup
 * that sees only 4x4 block means; then the answer and the findings written
 * from those numbers, the reasoning chosen by the direction of each result.
 *
 * @see notebooks/01_colourization.ipynb
 * @module
 */
import type { ExperimentData } from "../data/horses.ts";
import { colourTrainData } from "../data/train_data.ts";
import type { Run } from "../run/load.ts";
import type { EpochRecord } from "../train/types.ts";
import { type ColourReport, modelColourReport } from "./colour_report.ts";
import { greyLookup, type LookupScore } from "./lookup.ts";
import type { ColourShare } from "../plots/colour_shares.ts";

/** One trained CNN of the study. */
export interface ColourizationRun {
  label: string;
  learningRate: number;
  numEpochs: number;
  final: EpochRecord;
  report: ColourReport;
}

/** Everything the findings of notebook 01 are written from. */
export interface ColourizationStudy {
  runs: ColourizationRun[];
  /** p(colour | the pixel's grey level). */
  lookup: LookupScore;
  /** p(colour | the mean grey level of the pixel's 4x4 block). */
  blockLookup: LookupScore;
  /** Side of the blocks of {@link blockLookup}. */
  block: number;
  mostFrequent: { colour: number; accuracy: number };
  /** Chroma at or below which a palette colour counts as near-grey (the palette's median). */
  nearGreyChroma: number;
  trainImages: number;
  valImages: number;
  synthetic: boolean;
}

/** Measures the study of `runs` (colourization runs on `horses`). */
export async function colourizationStudy(
  runs: Run[],
  horses: ExperimentData,
): Promise<ColourizationStudy> {
  const first = runs[0].config;
  if (first.task !== "colourization") {
    throw new Error("colourization runs only");
  }
  const td = colourTrainData(horses.data, horses.palette, first);
  const study: ColourizationRun[] = [];
  for (const r of runs) {
    if (r.config.task !== "colourization") continue;
    study.push({
      label: `CNN lr ${r.config.learningRate}`,
      learningRate: r.config.learningRate,
      numEpochs: r.config.numEpochs,
      final: r.history.at(-1)!,
      report: await modelColourReport(r.model, td, horses.palette),
    });
  }
  const report = study[0].report;
  const pixels = td.height * td.width;
  // the CNN's bottleneck is 8x8 for 32x32 images: blocks of 4x4 pixels
  const block = 4;
  return {
    runs: study,
    lookup: greyLookup(td),
    blockLookup: greyLookup(td, { block }),
    block,
    mostFrequent: {
      colour: report.mostFrequent.colour,
      accuracy: report.mostFrequent.valAccuracy,
    },
    nearGreyChroma: report.evidence.chromaThreshold,
    trainImages: td.trainY.length / pixels,
    valImages: td.valY.length / pixels,
    synthetic: horses.data.source.synthetic,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const loss = (x: number) => x.toFixed(3);
const points = (x: number) => `${(100 * Math.abs(x)).toFixed(1)} points`;

/** The best run by validation accuracy. */
function best(s: ColourizationStudy): ColourizationRun {
  return s.runs.reduce((a, b) =>
    b.final.valAccuracy > a.final.valAccuracy ? b : a
  );
}

/** The short answer to A.2, in numbers from this study. */
export function colourizationAnswer(s: ColourizationStudy): string {
  const b = best(s);
  const vsLookup = b.final.valAccuracy - s.lookup.accuracy;
  const rates = s.runs.map((r) =>
    `${r.label}: ${pct(r.final.valAccuracy)} of validation pixels, loss ${
      loss(r.final.valLoss)
    }`
  ).join("; ");
  const verdict = vsLookup < 0
    ? `**No, they do not look good.** The best run colours fewer pixels right than a lookup table from each pixel's own grey level (${
      pct(s.lookup.accuracy)
    })`
    : `**Only moderately.** The best run beats the lookup from each pixel's grey level (${
      pct(s.lookup.accuracy)
    }) by ${points(vsLookup)}`;
  return `${verdict}. ${rates} (${
    s.runs[0].numEpochs
  } epochs, ${s.trainImages} training and ${s.valImages} validation images${
    s.synthetic ? ", SYNTHETIC data, not CIFAR-10" : ""
  }).`;
}

/**
 * The findings, in Markdown: every number from this study, the reasoning
 * chosen by the direction of each comparison.
 */
export function colourizationFindings(s: ColourizationStudy): string {
  const b = best(s);
  const e = b.report.evidence;
  const lines: string[] = [];
  // learning rate
  if (s.runs.length > 1) {
    const sorted = [...s.runs].sort((x, y) => x.learningRate - y.learningRate);
    const lo = sorted[0];
    const hi = sorted.at(-1)!;
    const better = hi.final.valLoss < lo.final.valLoss ? hi : lo;
    const worse = better === hi ? lo : hi;
    lines.push(
      `- **Learning rate.** lr ${lo.learningRate} ends at ${
        pct(lo.final.valAccuracy)
      } / ${loss(lo.final.valLoss)}, lr ${hi.learningRate} at ${
        pct(hi.final.valAccuracy)
      } / ${
        loss(hi.final.valLoss)
      }: lr ${better.learningRate} reaches the lower validation loss. ` +
        `The training loss of lr ${worse.learningRate} ends at ${
          loss(worse.final.trainLoss)
        } against ${loss(better.final.trainLoss)}` +
        (worse === hi
          ? ": Adam's steps at the larger rate are too large to settle where the smaller one goes."
          : ": the smaller rate has not converged in this many epochs."),
    );
  }
  // accuracy against the baselines, and why
  const ceBetter = b.final.valLoss < s.lookup.crossEntropy;
  const accBetter = b.final.valAccuracy > s.lookup.accuracy;
  lines.push(
    `- **Against baselines.** The most frequent colour everywhere gets ${
      pct(s.mostFrequent.accuracy)
    }; the most likely colour for each pixel's grey level (256 levels, counted on the training pixels) gets ${
      pct(s.lookup.accuracy)
    }, the best ${b.label} ${pct(b.final.valAccuracy)}. ` +
      `As a predictor of colour *probabilities* the lookup's cross-entropy is ${
        loss(s.lookup.crossEntropy)
      } against the network's ${loss(b.final.valLoss)}: ` +
      (ceBetter && !accBetter
        ? "the network is the better probabilistic predictor. It minimises cross-entropy, so where a grey level leaves the colour uncertain it spreads probability over the candidates; accuracy only counts the arg-max, where the exact grey level decides."
        : ceBetter
        ? "the network is better on both counts: what it sees around a pixel tells more than the pixel's grey level alone."
        : accBetter
        ? "the network picks the right colour more often, yet its probabilities score worse: it is confident where it is wrong."
        : "the lookup is better on both counts, so the network has not even learned what the grey level alone tells."),
  );
  const cost = s.lookup.accuracy - s.blockLookup.accuracy;
  lines.push(
    `- **Why the network falls short on accuracy.** The same lookup fitted on the mean grey of ${s.block}x${s.block} blocks (what survives the CNN's 8x8 bottleneck) gets ${
      pct(s.blockLookup.accuracy)
    } (cross-entropy ${loss(s.blockLookup.crossEntropy)}): ` +
      (cost > 0
        ? `losing each pixel's own grey level costs ${
          points(cost)
        }. The CNN's last layers see only upsampled 8x8 features, so it cannot reproduce pixel-level brightness, which is what most of the accuracy rewards.`
        : "block means lose nothing here, so the bottleneck does not explain the gap."),
  );
  const greyDiff = e.predictedLowChromaShare - e.trueLowChromaShare;
  const greyWord = Math.abs(greyDiff) < 0.03
    ? `as often as the truth has them (${
      pct(e.predictedLowChromaShare)
    } of predicted pixels vs ${
      pct(e.trueLowChromaShare)
    } of true ones): its pictures are no greyer than the palette truth; they look dull because most true pixels are near-grey too`
    : greyDiff > 0
    ? `more often than the truth (${
      pct(e.predictedLowChromaShare)
    } of predicted pixels vs ${
      pct(e.trueLowChromaShare)
    }): its pictures are greyer than the truth`
    : `less often than the truth (${pct(e.predictedLowChromaShare)} vs ${
      pct(e.trueLowChromaShare)
    })`;
  lines.push(
    `- **Grey or colourful?** Half of the palette is near-grey (chroma at most ${
      e.chromaThreshold.toFixed(3)
    }). ${b.label} predicts those colours ${greyWord}. ` +
      `Its recall per colour (the share of a colour's true pixels it gets right), averaged over the near-grey colours, is ${
        pct(e.lowChromaRecall)
      }, and over the colourful ones ${
        pct(e.highChromaRecall)
      } (a mean over colours, not a share of pixels): where the grey level leaves the colour open (a horse may be brown, black or white), the most probable colour wins.`,
  );
  return lines.join("\n");
}

/**
 * The table beside the findings: each run and each predictor that needs no
 * network, accuracy and cross-entropy written as the findings write them.
 */
export function baselineRows(s: ColourizationStudy): {
  predictor: string;
  "validation accuracy": string;
  "validation cross-entropy": string | null;
}[] {
  return [
    ...s.runs.map((r) => ({
      predictor: r.label,
      "validation accuracy": pct(r.final.valAccuracy),
      "validation cross-entropy": loss(r.final.valLoss),
    })),
    {
      predictor: `most frequent colour (#${s.mostFrequent.colour}) everywhere`,
      "validation accuracy": pct(s.mostFrequent.accuracy),
      "validation cross-entropy": null,
    },
    {
      predictor: "lookup from the pixel's grey level (256 levels)",
      "validation accuracy": pct(s.lookup.accuracy),
      "validation cross-entropy": loss(s.lookup.crossEntropy),
    },
    {
      predictor: `lookup from the mean grey of its ${s.block}x${s.block} block`,
      "validation accuracy": pct(s.blockLookup.accuracy),
      "validation cross-entropy": loss(s.blockLookup.crossEntropy),
    },
  ];
}

/** Per palette colour, greyest first: its swatch and its true and predicted shares. */
export function colourShares(report: ColourReport): ColourShare[] {
  return [...report.usage].sort((a, b) => a.chroma - b.chroma).map((u) => ({
    colour: u.colour,
    hex: u.hex,
    trueShare: u.valShare,
    predictedShare: u.predictedShare,
  }));
}

/**
 * The colour-share chart's note on near-grey, in the findings' numbers:
 * "near-grey (chroma <= 0.178, the first 12): 66.8% of true and 68.0% of
 * predicted pixels; recall per colour, averaged: ...".
 */
export function nearGreyNote(report: ColourReport): string {
  const e = report.evidence;
  const n = report.usage.filter((u) => u.chroma <= e.chromaThreshold).length;
  return `near-grey (chroma <= ${
    e.chromaThreshold.toFixed(3)
  }, the first ${n}): ${pct(e.trueLowChromaShare)} of true and ${
    pct(e.predictedLowChromaShare)
  } of predicted pixels; recall per colour, averaged: near-grey ${
    pct(e.lowChromaRecall)
  }, colourful ${pct(e.highChromaRecall)}`;
}
