/**
 * Part A.3's counting: weights, outputs and connections of the handout CNN,
 * as formulas in NF, NC, K, W, H, and the same quantities measured on a built
 * tfjs model (lib/analysis/accounting.ts turns them into the notebook's study).
 *
 * Counting convention (stated once, used everywhere):
 * - **weights**: conv kernels + conv biases; BatchNorm's trainable scale and
 *   shift (2 per channel) and its running mean/variance (2 per channel, not
 *   trained) are reported separately, so each convention can be read off.
 * - **outputs**: the values each layer produces for one image, per layer
 *   kind; "conv" counts conv outputs only, "all" also counts every max-pool,
 *   upsample, BatchNorm and ReLU output (each layer's output tensor once).
 * - **connections**: multiply-accumulates of the convolutions for one image
 *   (one per kernel tap per output value); "with bias" adds one connection
 *   per conv output for the bias. Pooling, upsampling, BatchNorm and ReLU are
 *   element-wise or selection and are not counted as connections.
 *
 * @see notebooks/02_architecture_accounting.ipynb
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** The sizes the formulas are written in. */
export interface CnnSizes {
  /** NF: filters of the first conv layer. */
  numFilters: number;
  /** NC: palette colours. */
  numColours: number;
  /** K: square kernel size. */
  kernelSize: number;
  /** W, H: input width and height (multiples of 4). */
  width: number;
  height: number;
  /** Input channels (1: the grey image). */
  inChannels?: number;
}

/** Kinds of layer the accounting distinguishes. */
export type LayerKind =
  | "conv"
  | "pool"
  | "upsample"
  | "batchnorm"
  | "relu"
  | "concat"
  | "other";

/** One layer's row, from the formulas or from a built model. */
export interface LayerCount {
  name: string;
  kind: LayerKind;
  /** Output [height, width, channels] for one image. */
  shape: [number, number, number];
  /** Values output for one image. */
  outputs: number;
  /** Conv kernel weights (0 for other layers). */
  kernelWeights: number;
  /** Conv biases (0 for other layers). */
  biases: number;
  /** BatchNorm scale + shift (trainable). */
  bnTrainable: number;
  /** BatchNorm running mean + variance (not trainable). */
  bnRunning: number;
  /** Multiply-accumulates for one image (conv only). */
  macs: number;
}

/** Totals under each convention. */
export interface CountTotals {
  /** Conv kernels + conv biases. */
  weightsConv: number;
  /** + BatchNorm scale and shift: the trainable parameters. */
  weightsTrainable: number;
  /** + BatchNorm running statistics: what tfjs countParams() reports. */
  weightsAll: number;
  /** Outputs of conv layers only. */
  outputsConv: number;
  /** Outputs of every layer (conv, pool, upsample, BN, ReLU). */
  outputsAll: number;
  /** Conv multiply-accumulates. */
  connections: number;
  /** Conv multiply-accumulates + one per conv output for the bias. */
  connectionsWithBias: number;
}

/**
 * The handout CNN layer by layer, derived from the architecture (not from a
 * model): the per-layer form of the formulas below.
 * @see notebooks/02_architecture_accounting.ipynb
 */
export function cnnLayerFormulas(s: CnnSizes): LayerCount[] {
  const { numFilters: nf, numColours: nc, kernelSize: k } = s;
  const cin = s.inChannels ?? 1;
  const rows: LayerCount[] = [];
  let h = s.height, w = s.width, c = cin;
  const conv = (name: string, out: number) => {
    rows.push(row(name, "conv", [h, w, out], {
      kernelWeights: k * k * c * out,
      biases: out,
      macs: h * w * k * k * c * out,
    }));
    c = out;
  };
  const resize = (name: string, kind: LayerKind, f: number) => {
    h = h * f;
    w = w * f;
    rows.push(row(name, kind, [h, w, c], {}));
  };
  const bnRelu = (i: number) => {
    rows.push(row(`bn${i}`, "batchnorm", [h, w, c], {
      bnTrainable: 2 * c,
      bnRunning: 2 * c,
    }));
    rows.push(row(`relu${i}`, "relu", [h, w, c], {}));
  };
  conv("conv1", nf), resize("pool1", "pool", 1 / 2), bnRelu(1);
  conv("conv2", 2 * nf), resize("pool2", "pool", 1 / 2), bnRelu(2);
  conv("conv3", 2 * nf), bnRelu(3);
  conv("conv4", nf), resize("upsample4", "upsample", 2), bnRelu(4);
  conv("conv5", nc), resize("upsample5", "upsample", 2), bnRelu(5);
  conv("conv6", nc);
  return rows;
}

function row(
  name: string,
  kind: LayerKind,
  shape: [number, number, number],
  counts: Partial<LayerCount>,
): LayerCount {
  return {
    name,
    kind,
    shape,
    outputs: shape[0] * shape[1] * shape[2],
    kernelWeights: 0,
    biases: 0,
    bnTrainable: 0,
    bnRunning: 0,
    macs: 0,
    ...counts,
  };
}

/** Sums a layer table into the totals of every convention. */
export function totals(rows: LayerCount[]): CountTotals {
  const sum = (f: (r: LayerCount) => number) =>
    rows.reduce((acc, r) => acc + f(r), 0);
  const weightsConv = sum((r) => r.kernelWeights + r.biases);
  const weightsTrainable = weightsConv + sum((r) => r.bnTrainable);
  const conv = rows.filter((r) => r.kind === "conv");
  const outputsConv = conv.reduce((a, r) => a + r.outputs, 0);
  const connections = sum((r) => r.macs);
  return {
    weightsConv,
    weightsTrainable,
    weightsAll: weightsTrainable + sum((r) => r.bnRunning),
    outputsConv,
    outputsAll: sum((r) => (r.kind === "concat" ? 0 : r.outputs)),
    connections,
    connectionsWithBias: connections + outputsConv,
  };
}

/**
 * The closed forms (simplified by hand from the layer list; W*H = A, Cin = 1):
 * - weights (conv + bias) = K^2 (NF + 8 NF^2 + NF NC + NC^2) + 6 NF + 2 NC
 * - BatchNorm = 2 (6 NF + NC) trainable + 2 (6 NF + NC) running
 * - outputs (conv only) = A (27 NF / 16 + 5 NC / 4)
 * - outputs (all layers) = A (61 NF / 16 + 17 NC / 4)
 * - connections (MACs) = A K^2 (NF + 7 NF^2 / 8 + NF NC / 4 + NC^2)
 * @see notebooks/02_architecture_accounting.ipynb
 */
export function cnnFormulas(s: CnnSizes): CountTotals {
  const { numFilters: nf, numColours: nc, kernelSize: k } = s;
  const cin = s.inChannels ?? 1;
  const a = s.width * s.height;
  const k2 = k * k;
  const weightsConv = k2 * (cin * nf + 8 * nf * nf + nf * nc + nc * nc) +
    6 * nf + 2 * nc;
  const bn = 2 * (6 * nf + nc);
  const outputsConv = a * (27 * nf / 16 + 5 * nc / 4);
  const connections = a * k2 *
    (cin * nf + 7 * nf * nf / 8 + nf * nc / 4 + nc * nc);
  return {
    weightsConv,
    weightsTrainable: weightsConv + bn,
    weightsAll: weightsConv + 2 * bn,
    outputsConv,
    outputsAll: a * (61 * nf / 16 + 17 * nc / 4),
    connections,
    connectionsWithBias: connections + outputsConv,
  };
}

/**
 * The closed forms in TeX (1 input channel), for the notebook's Markdown.
 * @see notebooks/02_architecture_accounting.ipynb
 */
export const CNN_FORMULA_TEX = {
  weights: String
    .raw`K^2\,(\mathrm{NF} + 8\,\mathrm{NF}^2 + \mathrm{NF}\cdot\mathrm{NC} + \mathrm{NC}^2) + 6\,\mathrm{NF} + 2\,\mathrm{NC}`,
  batchNorm: String.raw`2\,(6\,\mathrm{NF} + \mathrm{NC})`,
  outputs: String.raw`W H\,(27\,\mathrm{NF}/16 + 5\,\mathrm{NC}/4)`,
  outputsAll: String.raw`W H\,(61\,\mathrm{NF}/16 + 17\,\mathrm{NC}/4)`,
  connections: String
    .raw`W H K^2\,(\mathrm{NF} + 7\,\mathrm{NF}^2/8 + \mathrm{NF}\cdot\mathrm{NC}/4 + \mathrm{NC}^2)`,
} as const;

/**
 * The student writeup's Part A Q3 formulas, transcribed term by term.
 * @see notebooks/02_architecture_accounting.ipynb
 */
export function studentFormulas(
  s: CnnSizes,
): { weights: number; outputs: number; connections: number } {
  const { numFilters: nf, numColours: nc, kernelSize: k, width: w, height: h } =
    s;
  const k2 = k * k;
  const weights = nf * k2 + nf + 2 * nf * nf * k2 + 2 * nf +
    2 * nf * 2 * nf * k2 + 2 * nf + nf * 2 * nf * k2 + nf + nc * nf * k2 +
    nc + nc * nc * k2;
  const a1 = w * h, a2 = (w / 2) * (h / 2), a4 = (w / 4) * (h / 4);
  const outputs = a1 * nf + a2 * nf + a2 * 2 * nf + a4 * 2 * nf +
    a4 * 2 * nf + a4 * nf + a2 * nc + a2 * nc + a1 * nc + a1 * nc;
  const connections = a1 * k2 * nf + a1 * nf + a2 * k2 * 2 * nf * nf +
    a2 * 2 * nf + a4 * k2 * 2 * nf * 2 * nf + a4 * 2 * nf +
    a4 * k2 * 2 * nf * nf + a4 * nf + a2 * k2 * nf * nc + a2 * nc +
    a1 * k2 * nc * nc + a1 * nc;
  return { weights, outputs, connections };
}

/** Maps a tfjs layer class name to the accounting's layer kind. */
export function layerKind(className: string, activation?: string): LayerKind {
  if (/conv/i.test(className)) return "conv";
  if (/pool/i.test(className)) return "pool";
  if (/upsampl|resize/i.test(className)) return "upsample";
  if (/batchnorm/i.test(className)) return "batchnorm";
  if (/relu/i.test(className) || activation === "relu") return "relu";
  if (/concat/i.test(className)) return "concat";
  return "other";
}

/**
 * Measures a built model: every layer's declared output shape
 * (`layer.outputShape`), its weights by kind, and the conv MACs from each
 * conv layer's kernel shape times its output shape.
 * @see notebooks/02_architecture_accounting.ipynb
 */
export function measureModel(model: tf.LayersModel): LayerCount[] {
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  return layers.map((layer) => {
    const config = layer.getConfig();
    const kind = layerKind(
      layer.getClassName(),
      typeof config.activation === "string" ? config.activation : undefined,
    );
    const declared = layer.outputShape as (number | null)[];
    if (declared.length !== 4 || declared.slice(1).some((d) => d == null)) {
      throw new Error(
        `layer ${layer.name}: output shape ${
          JSON.stringify(declared)
        } is not [batch, H, W, C]`,
      );
    }
    const shape = declared.slice(1) as [number, number, number];
    const counts: Partial<LayerCount> = {};
    for (const w of layer.weights) {
      const n = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
      if (kind === "conv" && w.shape.length === 4) {
        counts.kernelWeights = n;
        // kernel [K, K, Cin, Cout] x output [H, W, Cout] -> MACs per image
        const [kh, kw, ci] = w.shape as number[];
        counts.macs = shape[0] * shape[1] * kh * kw * ci * shape[2];
      } else if (kind === "conv") counts.biases = (counts.biases ?? 0) + n;
      else if (w.trainable) counts.bnTrainable = (counts.bnTrainable ?? 0) + n;
      else counts.bnRunning = (counts.bnRunning ?? 0) + n;
    }
    return row(layer.name, kind, shape, counts);
  });
}
