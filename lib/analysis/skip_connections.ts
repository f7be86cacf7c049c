/**
 * Part B.3, "compare the UNet with the CNN; why do skip connections help?",
 * measured on the runs in front of the reader: each configuration over its
 * seeds (final numbers and curves), parameter counts, and on the validation
 * images of each configuration's first seed: accuracy on near-grey and on
 * colourful pixels and how often neighbouring pixels change colour, beside
 * the grey-level lookup (its accuracy and cross-entropy). The answer and
 * findings are written from these numbers (lib/analysis/skip_findings.ts).
 *
 * @see notebooks/04_skip_connections.ipynb
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ExperimentData } from "../data/horses.ts";
import { colourTrainData } from "../data/train_data.ts";
import type { ColourizationConfig, ColourModel } from "../run/config.ts";
import type { Run } from "../run/load.ts";
import { colourOf } from "../plots/figure.ts";
import { predictLabels } from "../train/evaluate.ts";
import {
  accuracyByChroma,
  type ChromaAccuracy,
  colourChangeRate,
  nearGreyColours,
} from "./label_maps.ts";
import { greyLookup, greyLookupLabels, type LookupScore } from "./lookup.ts";
import { type SeedGroup, seedGroup } from "./seeds.ts";

/** One configuration of the study, over its seeds. */
export interface SkipGroup extends SeedGroup {
  model: ColourModel;
  config: Omit<ColourizationConfig, "seed">;
  /** Trainable weights (BatchNorm's running statistics excluded). */
  parameters: number;
  /** Measured on the predictions of the group's first seed (`run`: its index in the runs). */
  firstSeed: {
    seed: number;
    run: number;
    accuracy: ChromaAccuracy;
    colourChanges: number;
  };
}

/** Everything the findings of notebook 04 are written from. */
export interface SkipStudy {
  groups: SkipGroup[];
  /** The lookup p(colour | grey level) (lib/analysis/lookup.ts). */
  lookup: LookupScore & { byChroma: ChromaAccuracy; colourChanges: number };
  /** How often neighbouring pixels change colour in the palette truth. */
  truthColourChanges: number;
  /** Chroma at or below which a palette colour counts as near-grey. */
  nearGreyChroma: number;
  trainImages: number;
  valImages: number;
  synthetic: boolean;
}

const NAMES: Record<ColourModel, string> = {
  cnn: "CNN",
  unet: "UNet",
  unet_no_input_skip: "UNet without input skip",
  deeplab: "DeepLab",
};

function trainableParameters(model: tf.LayersModel): number {
  return model.trainableWeights.reduce(
    (a, w) => a + w.shape.reduce((x: number, y) => x * (y ?? 1), 1),
    0,
  );
}

/** The settings that tell two groups of one model apart, for their labels. */
function labels(configs: Omit<ColourizationConfig, "seed">[]): string[] {
  const short = {
    learningRate: "lr",
    batchSize: "batch",
    numEpochs: "epochs",
    numFilters: "NF",
    kernelSize: "K",
    limitTrain: "training images",
    limitVal: "validation images",
    shuffle: "shuffle",
  } as const;
  const keys = Object.keys(short) as (keyof typeof short)[];
  return configs.map((c) => {
    const twins = configs.filter((o) => o.model === c.model);
    const differ = keys.filter((k) => twins.some((o) => o[k] !== c[k]));
    return [NAMES[c.model], ...differ.map((k) => `${short[k]} ${c[k]}`)]
      .join(", ");
  });
}

/** Measures the study of `runs` (colourization runs on `horses`). */
export async function skipStudy(
  runs: Run[],
  horses: ExperimentData,
): Promise<SkipStudy> {
  const colour = runs.flatMap((r) =>
    r.config.task === "colourization"
      ? [{ run: r, model: r.model, history: r.history, config: r.config }]
      : []
  );
  if (colour.length === 0) throw new Error("colourization runs only");
  const td = colourTrainData(horses.data, horses.palette, colour[0].config);
  const shape = {
    count: td.valY.length / (td.height * td.width),
    height: td.height,
    width: td.width,
  };
  const { nearGrey, chromaThreshold } = nearGreyColours(horses.palette);
  // one group per configuration without its seed, in the order of the runs
  const keyOf = (c: ColourizationConfig) => JSON.stringify({ ...c, seed: 0 });
  const keys = [...new Set(colour.map((r) => keyOf(r.config)))];
  const members = keys.map((k) => colour.filter((r) => keyOf(r.config) === k));
  const configs = members.map((m) => {
    const { seed: _, ...rest } = m[0].config;
    return rest;
  });
  const names = labels(configs);
  const groups: SkipGroup[] = [];
  for (const [i, m] of members.entries()) {
    const first = m[0];
    const predictions = await predictLabels(first.model, td.valX, shape);
    groups.push({
      ...seedGroup(
        names[i],
        m.map((r) => ({ seed: r.config.seed, history: r.history })),
      ),
      model: first.config.model,
      config: configs[i],
      parameters: trainableParameters(first.model),
      firstSeed: {
        seed: first.config.seed,
        run: runs.indexOf(first.run),
        accuracy: accuracyByChroma(td.valY, predictions, nearGrey),
        colourChanges: colourChangeRate(predictions, shape),
      },
    });
  }
  const lookupLabels = greyLookupLabels(td);
  return {
    groups,
    lookup: {
      ...greyLookup(td),
      byChroma: accuracyByChroma(td.valY, lookupLabels, nearGrey),
      colourChanges: colourChangeRate(lookupLabels, shape),
    },
    truthColourChanges: colourChangeRate(td.valY, shape),
    nearGreyChroma: chromaThreshold,
    trainImages: td.trainY.length / (td.height * td.width),
    valImages: shape.count,
    synthetic: horses.data.source.synthetic,
  };
}

/** The first group of each role the comparisons need (undefined when not run). */
export function skipRoles(s: SkipStudy): {
  cnn?: SkipGroup;
  unet?: SkipGroup;
  ablation?: SkipGroup;
} {
  const find = (m: ColourModel) => s.groups.find((g) => g.model === m);
  return {
    cnn: find("cnn"),
    unet: find("unet"),
    ablation: find("unet_no_input_skip"),
  };
}

/** The configuration's shared settings in words, e.g. "Adam lr 0.001, batch 100, 25 epochs". */
export function skipSetting(s: SkipStudy): string {
  const c = s.groups[0].config;
  const same = <K extends keyof SkipGroup["config"]>(k: K) =>
    s.groups.every((g) => g.config[k] === c[k]);
  return [
    same("learningRate") ? `Adam lr ${c.learningRate}` : "Adam",
    same("batchSize") ? `batch ${c.batchSize}` : "",
    same("numEpochs") ? `${c.numEpochs} epochs` : "",
    `${s.trainImages} training and ${s.valImages} validation images`,
  ].filter(Boolean).join(", ");
}

/** One colour per group, the same in every figure: by model where it is the only group of its model. */
export function skipColours(s: SkipStudy): string[] {
  const byModel: Partial<Record<ColourModel, number>> = {
    cnn: 0,
    unet: 1,
    unet_no_input_skip: 4,
  };
  const taken = new Set<number>();
  return s.groups.map((g, i) => {
    const own = byModel[g.model];
    const index = own !== undefined && !taken.has(own) ? own : 5 + i;
    taken.add(index);
    return colourOf(index);
  });
}

/** Dot-plot panels (lib/plots/dots.ts): final validation loss and accuracy, one value per seed. */
export function skipDots(s: SkipStudy): {
  title: string;
  axisLabel: string;
  rows: { label: string; values: number[]; colour: string }[];
  decimals: number;
  unit?: string;
}[] {
  const colours = skipColours(s);
  return [
    {
      title: "validation loss (lower is better)",
      axisLabel: "cross-entropy (nats per pixel)",
      decimals: 3,
      rows: s.groups.map((g, i) => ({
        label: g.label,
        values: g.histories.map((h) => h.at(-1)!.valLoss),
        colour: colours[i],
      })),
    },
    {
      title: "validation accuracy (higher is better)",
      axisLabel: "% of validation pixels",
      decimals: 1,
      unit: "%",
      rows: s.groups.map((g, i) => ({
        label: g.label,
        values: g.histories.map((h) => 100 * h.at(-1)!.valAccuracy),
        colour: colours[i],
      })),
    },
  ];
}

/** Each group's training and validation curves over its seeds, for lib/plots/bands.ts. */
export function skipCurves(s: SkipStudy): {
  name: string;
  seeds: number;
  train: SeedGroup["trainCurve"];
  val: SeedGroup["valCurve"];
  colour: string;
}[] {
  const colours = skipColours(s);
  return s.groups.map((g, i) => ({
    name: g.label,
    seeds: g.seeds.length,
    train: g.trainCurve,
    val: g.valCurve,
    colour: colours[i],
  }));
}

/** The table beside the findings: each group, then the lookup. */
export function skipRows(s: SkipStudy): Record<string, string | number>[] {
  const range = (
    x: { mean: number; min: number; max: number; n: number },
    f: (v: number) => string,
  ) => x.n > 1 ? `${f(x.mean)} (${f(x.min)}-${f(x.max)})` : f(x.mean);
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const loss = (v: number) => v.toFixed(3);
  // one definition of near-grey, shown where its accuracies are
  const split = `accuracy near-grey / colourful (chroma <= ${
    s.nearGreyChroma.toFixed(3)
  })`;
  // the true near-grey share (of the validation pixels, the same for every group)
  const truthShare = s.groups[0]?.firstSeed.accuracy.nearGreyShare;
  return [
    ...s.groups.map((g) => ({
      predictor: g.label,
      "seed(s)": g.seeds.join(", "),
      "trainable parameters": g.parameters.toLocaleString("en"),
      "train cross-entropy after epoch 1": g.trainCurve[0]
        ? loss(g.trainCurve[0].mean)
        : "-",
      "train cross-entropy": range(g.final.trainLoss, loss),
      "val cross-entropy": range(g.final.valLoss, loss),
      "val accuracy": range(g.final.valAccuracy, pct),
      [split]: `${pct(g.firstSeed.accuracy.nearGrey)} / ${
        pct(g.firstSeed.accuracy.colourful)
      }`,
      "colour changes between neighbours": pct(g.firstSeed.colourChanges),
    })),
    {
      predictor: "lookup from the pixel's grey level (256 levels)",
      "seed(s)": "-",
      "trainable parameters": "-",
      "train cross-entropy after epoch 1": "-",
      "train cross-entropy": "-",
      "val cross-entropy": loss(s.lookup.crossEntropy),
      "val accuracy": pct(s.lookup.accuracy),
      [split]: `${pct(s.lookup.byChroma.nearGrey)} / ${
        pct(s.lookup.byChroma.colourful)
      }`,
      "colour changes between neighbours": pct(s.lookup.colourChanges),
    },
    {
      predictor: "palette truth",
      "seed(s)": "-",
      "trainable parameters": "-",
      "train cross-entropy after epoch 1": "-",
      "train cross-entropy": "-",
      "val cross-entropy": "-",
      "val accuracy": "-",
      [split]: truthShare === undefined
        ? "-"
        : `share of pixels: ${pct(truthShare)} / ${pct(1 - truthShare)}`,
      "colour changes between neighbours": pct(s.truthColourChanges),
    },
  ];
}
