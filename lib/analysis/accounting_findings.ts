/**
 * Notebook 02's findings, table, figure data and headline, written from an
 * {@link AccountingStudy}: every number from the study, each sentence's
 * wording chosen by the numbers it reports.
 *
 * @see notebooks/02_architecture_accounting.ipynb
 * @module
 */
import type { Bar } from "../plots/bars.ts";
import type { Headline } from "../show/records.ts";
import {
  type AccountingStudy,
  type CountedCnn,
  inputNetworks,
  int,
  pick,
  QUANTITIES,
  type Quantity,
  sizesLabel,
  times,
} from "./accounting.ts";
import type { LayerCount } from "./cnn_counts.ts";

const pct = (x: number) => `${Math.round(100 * x)}%`;
/** log2 of a doubling's factor: the exponent the count grows with. */
const exponent = (factor: number, ratio: number) =>
  Number((Math.log(factor) / Math.log(ratio)).toFixed(2));

function convLayers(c: CountedCnn): LayerCount[] {
  return c.layers.filter((l) => l.kind === "conv");
}

function share(
  layers: LayerCount[],
  f: (l: LayerCount) => number,
): { layer: LayerCount; share: number } {
  const total = layers.reduce((a, l) => a + f(l), 0);
  const top = layers.reduce((a, l) => f(l) > f(a) ? l : a);
  return { layer: top, share: f(top) / total };
}

const convWeights = (l: LayerCount) => l.kernelWeights + l.biases;
/** "32→64 channels at 16x16": a conv layer's channels and positions. */
function channels(l: LayerCount, all: LayerCount[]): string {
  // conv1 has one input channel: its kernel weights over its biases is K²
  const first = all.find((x) => x.kind === "conv")!;
  const k2 = first.kernelWeights / first.biases;
  return `${l.kernelWeights / (k2 * l.biases)}→${l.biases} channels at ${
    l.shape[0]
  }x${l.shape[1]}`;
}

function inputFinding(s: AccountingStudy): string | undefined {
  const input = s.changes.find((c) => c.inputOnly);
  if (!input) return undefined;
  const f = input.factor;
  const weights = f.weights === 1
    ? "the weights do not change: a convolution applies the same K×K kernels at every position, so W and H appear in no weight count"
    : `the weights change by ${times(f.weights)}`;
  const others = QUANTITIES.filter((q) => q !== "weights");
  const area = others.every((q) => f[q] === input.areaRatio)
    ? `the ${others.join(" and ")} grow ${
      times(input.areaRatio)
    }, exactly as the area W·H`
    : others.map((q) => `the ${q} ${times(f[q])}`).join(" and ") +
      ` while the area grows ${times(input.areaRatio)}`;
  return `- **The input size (${input.label}).** ${
    weights[0].toUpperCase() + weights.slice(1)
  }; ${area}: every layer's output covers a fixed fraction of the W·H positions (all of them, a quarter or a sixteenth), and each output value costs the same multiply-accumulates wherever it is.`;
}

function sizeFindings(s: AccountingStudy): string[] {
  return s.changes.filter((c) => !c.inputOnly).map((c) => {
    const growth = QUANTITIES.map((q) =>
      `${q} ${times(c.factor[q])}` +
      (c.size && c.size.ratio !== 1
        ? ` (like $\\mathrm{${c.size.name}}^{${
          exponent(c.factor[q], c.size.ratio)
        }}$)`
        : "")
    ).join(", ");
    return `- **${c.label}:** ${growth}.`;
  });
}

function whereFinding(s: AccountingStudy): string {
  const conv = convLayers(s.base);
  const w = share(conv, convWeights);
  const macs = share(conv, (l) => l.macs);
  const out = share(conv, (l) => l.outputs);
  const of = (l: LayerCount, f: (l: LayerCount) => number) =>
    pct(f(l) / conv.reduce((a, x) => a + f(x), 0));
  const same = w.layer === macs.layer;
  return `- **Where the counts sit** (${
    sizesLabel(s.base.sizes)
  }, ${s.base.sizes.width}x${s.base.sizes.height}). ` +
    `${w.layer.name} (${channels(w.layer, s.base.layers)}) holds ${
      pct(w.share)
    } of the weights` +
    (same
      ? ` and also does the most multiply-accumulates (${pct(macs.share)}).`
      : ` but does ${
        of(w.layer, (l) => l.macs)
      } of the multiply-accumulates; ${macs.layer.name} (${
        channels(macs.layer, s.base.layers)
      }) does ${pct(macs.share)} of them with ${
        of(macs.layer, convWeights)
      } of the weights: connections follow the weights times the positions a layer runs at.`) +
    ` The most outputs come from ${out.layer.name} (${pct(out.share)}).`;
}

function conventionsFinding(c: CountedCnn): string {
  const t = c.model;
  return `- **Other conventions** (${c.sizes.width}x${c.sizes.height}). BatchNorm adds ${
    int(t.weightsTrainable - t.weightsConv)
  } trained scales and shifts and ${
    int(t.weightsAll - t.weightsTrainable)
  } running means and variances: tfjs's \`countParams()\` reports all ${
    int(c.countParams)
  }. Counting every layer's output (pooling, upsampling, BatchNorm and ReLU too) gives ${
    int(t.outputsAll)
  } outputs; one connection more per conv output for its bias gives ${
    int(t.connectionsWithBias)
  } connections.`;
}

function studentFinding(s: AccountingStudy): string {
  const c = s.base;
  const st = c.student;
  const t = c.model;
  const missing = t.weightsConv - st.weights;
  const weights = missing === 0
    ? `its weights (${int(st.weights)}) agree`
    : missing === c.sizes.numColours
    ? `its weights (${int(st.weights)}) miss ${
      int(missing)
    }, exactly NC: the last conv's biases`
    : `its weights (${int(st.weights)}) differ by ${int(-missing)}`;
  const outputsOf = (name: string) =>
    c.layers.find((l) => l.name === name)?.outputs ?? NaN;
  const explained = t.outputsConv + outputsOf("pool1") + outputsOf("pool2") +
    outputsOf("upsample5") + outputsOf("conv5");
  const outputs = st.outputs === t.outputsConv
    ? "its outputs are the conv layers' outputs"
    : st.outputs === t.outputsAll
    ? "its outputs are every layer's outputs"
    : `its outputs (${int(st.outputs)}) are neither the conv layers' (${
      int(t.outputsConv)
    }) nor every layer's (${int(t.outputsAll)})` +
      (st.outputs === explained
        ? `: its sum counts conv5's ${
          int(outputsOf("conv5"))
        } outputs twice, adds two poolings and one upsampling, and leaves out upsample4 (${
          int(outputsOf("upsample4"))
        }), BatchNorm and ReLU`
        : "");
  const connections = st.connections === t.connectionsWithBias
    ? "its connections are the multiply-accumulates plus one per conv output (the bias)"
    : st.connections === t.connections
    ? "its connections are the multiply-accumulates"
    : `its connections (${int(st.connections)}) match neither convention`;
  const input = s.changes.find((x) => x.inputOnly);
  const scaling = input
    ? QUANTITIES.every((q) => input.studentFactor[q] === input.factor[q])
      ? ` With the input ${input.cnn.sizes.width}x${input.cnn.sizes.height} its formulas scale as the model's counts (${
        QUANTITIES.map((q) => times(input.factor[q])).join(", ")
      }).`
      : ` With the input ${input.cnn.sizes.width}x${input.cnn.sizes.height} its formulas scale by ${
        QUANTITIES.map((q) => times(input.studentFactor[q])).join(", ")
      }, the model's counts by ${
        QUANTITIES.map((q) => times(input.factor[q])).join(", ")
      }.`
    : "";
  return `- **The student writeup** (${
    sizesLabel(c.sizes)
  }, ${c.sizes.width}x${c.sizes.height}): ${weights}; ${outputs}; ${connections}.${scaling}`;
}

/** The findings, in Markdown: every number from this study. */
export function accountingFindings(s: AccountingStudy): string {
  const all = [s.base, ...s.changes.map((c) => c.cnn)];
  const wrong = all.filter((c) => c.mismatches.length > 0);
  const checked = wrong.length === 0
    ? `- **The formulas hold.** On ${all.length} built tfjs models (the base and each change above), every layer's output shape, weights and multiply-accumulates, and tfjs's own \`countParams()\`, equal the formulas' values.`
    : `- **The formulas do not hold everywhere:** ${
      wrong.map((c) => `${sizesLabel(c.sizes)}: ${c.mismatches.join(", ")}`)
        .join("; ")
    } differ from the built model.`;
  return [
    checked,
    inputFinding(s),
    ...sizeFindings(s),
    whereFinding(s),
    conventionsFinding(s.base),
    studentFinding(s),
  ].filter((x) => x !== undefined).join("\n");
}

/** The requested values under every convention, as a Markdown table (formula, model, student). */
export function accountingTable(s: AccountingStudy): string {
  const nets = inputNetworks(s);
  const rows: [string, (c: CountedCnn) => number, Quantity | null][] = [
    [
      "**weights**: conv kernels + biases",
      (c) => c.model.weightsConv,
      "weights",
    ],
    ["+ BatchNorm scale and shift", (c) => c.model.weightsTrainable, null],
    ["+ running statistics (`countParams()`)", (c) => c.countParams, null],
    ["**outputs**: conv layers", (c) => c.model.outputsConv, "outputs"],
    ["outputs: every layer", (c) => c.model.outputsAll, null],
    [
      "**connections**: multiply-accumulates",
      (c) => c.model.connections,
      "connections",
    ],
    [
      "connections: + one per conv output",
      (c) => c.model.connectionsWithBias,
      null,
    ],
  ];
  const head = `| count | ${
    nets.map((c) => `${c.sizes.width}x${c.sizes.height}`).join(" | ")
  } | student writeup at ${
    nets.map((c) => `${c.sizes.width}x${c.sizes.height}`).join(" / ")
  } |`;
  const rule = `|---|${nets.map(() => "---:").join("|")}|---:|`;
  const body = rows.map(([name, f, q]) =>
    `| ${name} | ${nets.map((c) => int(f(c))).join(" | ")} | ${
      q ? nets.map((c) => int(c.student[q])).join(" / ") : ""
    } |`
  );
  return [head, rule, ...body].join("\n");
}

/** Bars of the key figure: each change's factor on each count. */
export function factorBars(s: AccountingStudy): Bar[] {
  return s.changes.flatMap((c) =>
    QUANTITIES.map((q) => ({ label: c.label, series: q, value: c.factor[q] }))
  );
}

/** "conv3 64→64, 8x8": a conv layer with its channels and positions. */
function layerLabel(l: LayerCount, all: LayerCount[]): string {
  return `${l.name} ${channels(l, all).replace(" channels at ", ", ")}`;
}

/** Bars of each conv layer's share (%) of the weights, outputs and connections. */
export function layerShareBars(c: CountedCnn): Bar[] {
  const conv = convLayers(c);
  const f: Record<Quantity, (l: LayerCount) => number> = {
    weights: convWeights,
    outputs: (l) => l.outputs,
    connections: (l) => l.macs,
  };
  return conv.flatMap((l) =>
    QUANTITIES.map((q) => ({
      label: layerLabel(l, c.layers),
      series: q,
      value: 100 * f[q](l) / conv.reduce((a, x) => a + f[q](x), 0),
    }))
  );
}

/** The conv layers of a counted CNN, one row each (the built model's counts). */
export function layerRows(
  c: CountedCnn,
): Record<string, string | number>[] {
  return convLayers(c).map((l) => ({
    layer: l.name,
    "channels, positions": channels(l, c.layers).replace(" channels at ", ", "),
    "weights (kernels + biases)": convWeights(l),
    outputs: l.outputs,
    "multiply-accumulates": l.macs,
  }));
}

/** The headline for the report's index, built from the study's configuration. */
export function accountingHeadline(s: AccountingStudy): Headline {
  const nets = inputNetworks(s);
  return {
    question: `A.3 Weights, outputs, connections (${
      sizesLabel(s.base.sizes)
    }; ${nets.map((c) => `${c.sizes.width}x${c.sizes.height}`).join(" and ")})`,
    answer: nets.map((c) =>
      `${c.sizes.width}x${c.sizes.height}: ${
        QUANTITIES.map((q) => `${int(pick(c.model, q))} ${q}`).join(", ")
      }`
    ).join("; "),
    reference: `student writeup: ${
      nets.map((c) =>
        `${c.sizes.width}x${c.sizes.height}: ${
          QUANTITIES.map((q) => `${int(c.student[q])} ${q}`).join(", ")
        }`
      ).join("; ")
    }`,
  };
}
