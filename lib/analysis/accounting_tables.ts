/**
 * Part A.3's tables and sentences: the six requested values under each
 * convention beside the built model and the student writeup, layer by layer
 * comparisons, and where the student's formulas go wrong.
 *
 * @see notebooks/02_architecture_accounting.ipynb
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import {
  cnnFormulas,
  type CnnSizes,
  type LayerCount,
  measureModel,
  studentFormulas,
  totals,
} from "./accounting.ts";

/** One row of {@link accountingRows}: a quantity at one input size, three ways. */
export interface AccountingRow {
  [column: string]: string | number | boolean | null;
  quantity: string;
  input: string;
  /** Our formula. */
  formula: number;
  /** Counted on the built tfjs model. */
  model: number;
  /** The student writeup's formula (null where it has none). */
  student: number | null;
  /** formula === model. */
  agrees: boolean;
}

/**
 * The requested values (weights, outputs, connections) at one input size:
 * our formulas under each convention, the built model's counts (plus its
 * `countParams()`), and the student's formulas beside them.
 * @see notebooks/02_architecture_accounting.ipynb
 */
export function accountingRows(
  sizes: CnnSizes,
  model: tf.LayersModel,
): AccountingRow[] {
  const f = cnnFormulas(sizes);
  const m = totals(measureModel(model));
  const st = studentFormulas(sizes);
  const input = `${sizes.width}x${sizes.height}`;
  const rows: [string, number, number, number | null][] = [
    [
      "weights: conv kernels + biases",
      f.weightsConv,
      m.weightsConv,
      st.weights,
    ],
    [
      "weights: + BatchNorm scale/shift (trainable)",
      f.weightsTrainable,
      m.weightsTrainable,
      null,
    ],
    [
      "weights: + BatchNorm running stats (countParams)",
      f.weightsAll,
      model.countParams(),
      null,
    ],
    ["outputs: conv layers only", f.outputsConv, m.outputsConv, st.outputs],
    [
      "outputs: every layer (conv, pool, upsample, BN, ReLU)",
      f.outputsAll,
      m.outputsAll,
      null,
    ],
    [
      "connections: conv multiply-accumulates",
      f.connections,
      m.connections,
      null,
    ],
    [
      "connections: MACs + one per conv output (bias)",
      f.connectionsWithBias,
      m.connectionsWithBias,
      st.connections,
    ],
  ];
  return rows.map(([quantity, formula, counted, student]) => ({
    quantity,
    input,
    formula,
    model: counted,
    student,
    agrees: formula === counted,
  }));
}

/**
 * Layer by layer, the formula's row beside the built model's: output shape,
 * outputs, weights and MACs, and whether they agree.
 * @see notebooks/02_architecture_accounting.ipynb
 */
export function layerTableRows(
  formula: LayerCount[],
  measured: LayerCount[],
): Record<string, string | number | boolean>[] {
  return formula.map((f, i) => {
    const m = measured[i];
    const same = m !== undefined && m.kind === f.kind &&
      m.shape.join() === f.shape.join() && m.outputs === f.outputs &&
      m.kernelWeights + m.biases + m.bnTrainable + m.bnRunning ===
        f.kernelWeights + f.biases + f.bnTrainable + f.bnRunning &&
      m.macs === f.macs;
    return {
      layer: f.name,
      "model layer": m ? `${m.name} (${m.kind})` : "missing",
      "shape (formula)": f.shape.join("x"),
      "shape (model)": m ? m.shape.join("x") : "",
      outputs: f.outputs,
      weights: f.kernelWeights + f.biases + f.bnTrainable + f.bnRunning,
      MACs: f.macs,
      agrees: same,
    };
  });
}

/**
 * The six requested values in one line for the report's headline table.
 * @see notebooks/02_architecture_accounting.ipynb
 */
export function accountingAnswer(rows: AccountingRow[]): string {
  const pick = (q: string, input: string) =>
    rows.find((r) => r.quantity.startsWith(q) && r.input === input)?.model
      .toLocaleString("en");
  const inputs = [...new Set(rows.map((r) => r.input))];
  const all = rows.every((r) => r.agrees);
  return inputs.map((i) =>
    `${i}: ${pick("weights: conv", i)} weights (conv + bias), ` +
    `${pick("outputs: conv", i)} conv outputs, ${
      pick("connections: conv", i)
    } MACs`
  ).join("; ") + (all
    ? "; every count matches the built tfjs model"
    : "; MISMATCH with the model");
}

/**
 * Where the student writeup's formulas differ from the counts on the built
 * model, in three sentences (weights, outputs, connections).
 * @see notebooks/02_architecture_accounting.ipynb
 */
export function studentDisagreement(
  sizes: CnnSizes,
  model: tf.LayersModel,
): string {
  const st = studentFormulas(sizes);
  const layers = measureModel(model);
  const m = totals(layers);
  const n = (x: number) => x.toLocaleString("en");
  const outputsOf = (name: string) =>
    layers.find((l) => l.name === name)?.outputs ?? NaN;
  const at = `${sizes.width}x${sizes.height}`;
  return [
    `Weights at ${at}: the student's ${n(st.weights)} vs ${
      n(m.weightsConv)
    } conv weights + biases ` +
    `on the model: ${
      n(m.weightsConv - st.weights)
    } missing, the last conv's NC biases; ` +
    `neither counts BatchNorm (${
      n(m.weightsTrainable - m.weightsConv)
    } trainable, ` +
    `${n(m.weightsAll - m.weightsTrainable)} running statistics).`,
    `Outputs: the student's ${n(st.outputs)} vs ${
      n(m.outputsConv)
    } (conv layers only) or ` +
    `${n(m.outputsAll)} (every layer): its sum counts conv5's ${
      n(outputsOf("conv5"))
    } outputs twice ` +
    `and leaves out upsample4 (${
      n(outputsOf("upsample4"))
    }) and every BatchNorm and ReLU output.`,
    `Connections: the student's ${
      n(st.connections)
    } = the model's MACs + one per conv output ` +
    `(${n(m.connectionsWithBias)}); the MACs alone are ${n(m.connections)}.`,
  ].join("\n\n");
}
