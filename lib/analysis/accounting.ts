/**
 * Part A.3, "how many weights, outputs and connections does the CNN have, as
 * functions of NF, NC and K, and when the input's width and height double?",
 * counted twice: by the closed forms (lib/analysis/cnn_counts.ts) and on
 * tfjs models built with those sizes. The study holds both; the answer and
 * the findings are written from it, the wording chosen by the numbers.
 *
 * The three counts the question asks for are, in this notebook: weights =
 * conv kernels + conv biases; outputs = the values the six conv layers
 * produce for one image; connections = the convolutions' multiply-accumulates
 * for one image. The other conventions are counted too and named.
 *
 * @see notebooks/02_architecture_accounting.ipynb
 * @module
 */
import { buildCnn } from "../models/cnn.ts";
import {
  CNN_FORMULA_TEX,
  cnnFormulas,
  cnnLayerFormulas,
  type CnnSizes,
  type CountTotals,
  type LayerCount,
  measureModel,
  studentFormulas,
  totals,
} from "./cnn_counts.ts";

/** Notebook 02's experiment: the CNN's sizes, and changes made to them one at a time. */
export interface AccountingExperiment {
  /** NF, NC, K and the input's width and height. */
  cnn: CnnSizes;
  /** Each a change to `cnn` alone, e.g. `{ width: 64, height: 64 }`. */
  changes: Partial<CnnSizes>[];
}

/** The counts the question asks for. */
export type Quantity = "weights" | "outputs" | "connections";

/** The quantities, in the order they are asked. */
export const QUANTITIES: readonly Quantity[] = [
  "weights",
  "outputs",
  "connections",
];

/** One network counted by the formulas and on its built tfjs model. */
export interface CountedCnn {
  sizes: CnnSizes;
  formula: CountTotals;
  /** Summed from the built model's layers. */
  model: CountTotals;
  /** tfjs `countParams()` of the built model. */
  countParams: number;
  /** The built model's layers. */
  layers: LayerCount[];
  /** Layers (or "totals") where the formulas and the model disagree. */
  mismatches: string[];
  /** The student writeup's three formulas at these sizes. */
  student: Record<Quantity, number>;
}

/** One change of the experiment, and what it does to each count. */
export interface CountChange {
  /** E.g. "input 32x32 → 64x64", "NF 32 → 64". */
  label: string;
  /** Only the input's width and height changed. */
  inputOnly: boolean;
  /** New area over old (W·H), for an input change. */
  areaRatio: number;
  /** The one size changed (NF, NC or K) and its new value over its old; absent otherwise. */
  size?: { name: "NF" | "NC" | "K"; ratio: number };
  cnn: CountedCnn;
  /** Count after the change over count before, per quantity (model's counts). */
  factor: Record<Quantity, number>;
  /** The same factors for the student's formulas. */
  studentFactor: Record<Quantity, number>;
}

/** Everything notebook 02's answer and findings are written from. */
export interface AccountingStudy {
  base: CountedCnn;
  changes: CountChange[];
}

/** The count of `q` under this notebook's convention. */
export function pick(t: CountTotals, q: Quantity): number {
  return q === "weights"
    ? t.weightsConv
    : q === "outputs"
    ? t.outputsConv
    : t.connections;
}

function sameLayer(a: LayerCount, b: LayerCount): boolean {
  const weights = (l: LayerCount) =>
    l.kernelWeights + l.biases + l.bnTrainable + l.bnRunning;
  return a.kind === b.kind && a.shape.join() === b.shape.join() &&
    a.outputs === b.outputs && weights(a) === weights(b) && a.macs === b.macs;
}

/** Builds the CNN with `sizes`, counts it both ways and disposes of it. */
export function countCnn(sizes: CnnSizes): CountedCnn {
  const model = buildCnn({ ...sizes, seed: 0 });
  try {
    const layers = measureModel(model);
    const formulaLayers = cnnLayerFormulas(sizes);
    const formula = cnnFormulas(sizes);
    const measured = totals(layers);
    const countParams = model.countParams();
    const mismatches = formulaLayers.filter((f, i) =>
      layers[i] === undefined || !sameLayer(f, layers[i])
    ).map((f) => f.name);
    if (layers.length !== formulaLayers.length) mismatches.push("layer count");
    const agree = JSON.stringify(formula) === JSON.stringify(measured) &&
      countParams === formula.weightsAll;
    if (!agree) mismatches.push("totals");
    return {
      sizes,
      formula,
      model: measured,
      countParams,
      layers,
      mismatches,
      student: studentFormulas(sizes),
    };
  } finally {
    model.dispose();
  }
}

const SIZE_NAMES = [
  ["numFilters", "NF"],
  ["numColours", "NC"],
  ["kernelSize", "K"],
] as const;

/** "NF 32 → 64", "input 32x32 → 64x64", ... */
function changeLabel(base: CnnSizes, next: CnnSizes): string {
  const parts: string[] = [];
  if (next.width !== base.width || next.height !== base.height) {
    parts.push(
      `input ${base.width}x${base.height} → ${next.width}x${next.height}`,
    );
  }
  for (const [key, name] of SIZE_NAMES) {
    if (next[key] !== base[key]) {
      parts.push(`${name} ${base[key]} → ${next[key]}`);
    }
  }
  return parts.join(", ") || "no change";
}

function ratios(
  a: Record<Quantity, number>,
  b: Record<Quantity, number>,
): Record<Quantity, number> {
  return {
    weights: b.weights / a.weights,
    outputs: b.outputs / a.outputs,
    connections: b.connections / a.connections,
  };
}

function picked(t: CountTotals): Record<Quantity, number> {
  return {
    weights: pick(t, "weights"),
    outputs: pick(t, "outputs"),
    connections: pick(t, "connections"),
  };
}

/** The one of NF, NC, K that `next` changes (and nothing else), with its ratio. */
function sizeChange(
  base: CnnSizes,
  next: CnnSizes,
): CountChange["size"] {
  const changed = SIZE_NAMES.filter(([key]) => next[key] !== base[key]);
  const input = next.width !== base.width || next.height !== base.height;
  if (changed.length !== 1 || input) return undefined;
  const [key, name] = changed[0];
  return { name, ratio: next[key] / base[key] };
}

/** Counts the experiment's CNN and each changed CNN, by formula and on built models. */
export function accountingStudy(e: AccountingExperiment): AccountingStudy {
  const base = countCnn(e.cnn);
  const changes = e.changes.map((c) => {
    const sizes = { ...e.cnn, ...c };
    const cnn = countCnn(sizes);
    return {
      label: changeLabel(e.cnn, sizes),
      inputOnly: sizes.numFilters === e.cnn.numFilters &&
        sizes.numColours === e.cnn.numColours &&
        sizes.kernelSize === e.cnn.kernelSize &&
        (sizes.width !== e.cnn.width || sizes.height !== e.cnn.height),
      areaRatio: (sizes.width * sizes.height) / (e.cnn.width * e.cnn.height),
      size: sizeChange(e.cnn, sizes),
      cnn,
      factor: ratios(picked(base.model), picked(cnn.model)),
      studentFactor: ratios(base.student, cnn.student),
    };
  });
  return { base, changes };
}

/** Numbers as the text writes them. */
export const int = (x: number) => x.toLocaleString("en");
/** A factor: "×4", "×3.93". */
export const times = (x: number) => `×${Number(x.toPrecision(3))}`;

/** "NF 32, NC 24, K 3". */
export function sizesLabel(s: CnnSizes): string {
  return `NF ${s.numFilters}, NC ${s.numColours}, K ${s.kernelSize}`;
}

/** The networks the six values are asked for: the base and each input-only change. */
export function inputNetworks(s: AccountingStudy): CountedCnn[] {
  return [s.base, ...s.changes.filter((c) => c.inputOnly).map((c) => c.cnn)];
}

/** The short answer to A.3, in numbers from this study, with the closed forms. */
export function accountingAnswer(s: AccountingStudy): string {
  const input = s.changes.find((c) => c.inputOnly);
  const what = (q: Quantity, f: number) =>
    f === 1
      ? `leaves the ${q} unchanged`
      : `multiplies the ${q} by ${Number(f.toPrecision(3))}`;
  const verdict = input
    ? `**Making the input ${input.cnn.sizes.width}x${input.cnn.sizes.height} ${
      QUANTITIES.map((q) => what(q, input.factor[q])).join(", ").replace(
        /, ([^,]*)$/,
        " and $1",
      )
    }.**`
    : `**${sizesLabel(s.base.sizes)}:**`;
  const counts = inputNetworks(s).map((c) =>
    `${int(pick(c.model, "weights"))} weights, ${
      int(pick(c.model, "outputs"))
    } outputs and ${
      int(pick(c.model, "connections"))
    } connections at ${c.sizes.width}x${c.sizes.height}`
  ).join("; ");
  const all = [s.base, ...s.changes.map((c) => c.cnn)];
  const wrong = all.filter((c) => c.mismatches.length > 0);
  const check = wrong.length === 0
    ? `every count equals the one summed over the built tfjs model`
    : `**${wrong.length} of ${all.length} networks differ from the built tfjs model** (${
      wrong.map((c) => `${sizesLabel(c.sizes)}: ${c.mismatches.join(", ")}`)
        .join("; ")
    })`;
  return `${verdict} With ${sizesLabel(s.base.sizes)}: ${counts} ` +
    `(weights: conv kernels and biases; outputs: the conv layers' values per image; ` +
    `connections: multiply-accumulates per image; ${check}).`;
}

/**
 * The closed forms as display TeX, each with its value for the study's CNN:
 * the answer's "as functions of NF, NC and K".
 */
export function accountingFormulas(s: AccountingStudy): string {
  const t = CNN_FORMULA_TEX;
  const b = s.base.sizes;
  const tex = (x: number) => int(x).replaceAll(",", "{,}");
  const line = (name: string, formula: string, q: Quantity) =>
    `$$\\text{${name}} = ${formula} \\;=\\; ${tex(pick(s.base.formula, q))}$$`;
  return [
    `The counts as functions of the sizes (the values for ${
      sizesLabel(b)
    } at ${b.width}x${b.height}):`,
    "",
    line("weights", t.weights, "weights"),
    line("outputs", t.outputs, "outputs"),
    line("connections", t.connections, "connections"),
  ].join("\n");
}
