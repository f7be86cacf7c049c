/**
 * A small DeepLab-style network: a stem, a body of n similar blocks of
 * dilated ("atrous") 3x3 convolution + BatchNorm + ReLU at full resolution,
 * and a head whose only layer is a 1x1 convolution giving per-pixel logits.
 *
 * The same network serves as the colourization model (grey in, NC palette
 * logits out) that pre-trains the body, and, with its last layer swapped for
 * a fresh 2-class 1x1 conv, as the horse segmenter.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { layerSeed } from "../random.ts";

/** Options of {@link buildDeepLab}. */
export interface DeepLabOptions {
  /** n: number of dilated blocks in the body. */
  numBlocks: number;
  /** Output classes of the 1x1 head (NC palette colours, or 2 for segmentation). */
  numClasses: number;
  /** Channels of every conv in the stem and body (default 32). */
  numFilters?: number;
  /** Input channels: 1 for grey (default). */
  inChannels?: number;
  /** Dilation rates, cycled over the blocks (default [2, 4, 8]; each >= 2). */
  dilations?: number[];
  /** Seed of every initializer. */
  seed?: number;
}

/** Name of the last (1x1) layer, the one fine-tuning replaces. */
export const HEAD_NAME = "head_logits";
/** Name of the layer whose output is the body's features (the head's input). */
export const FEATURES_NAME = "features";

/** The defaults of {@link DeepLabOptions}. */
export const DEEPLAB_DEFAULTS = {
  numFilters: 32,
  inChannels: 1,
  dilations: [2, 4, 8],
  seed: 0,
} as const;

/**
 * PyTorch's BatchNorm defaults (epsilon 1e-5, running statistics updated with
 * weight 0.1), as the rest of colourlab uses.
 */
function batchNorm(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ name, epsilon: 1e-5, momentum: 0.9 });
}

function conv3x3(
  name: string,
  filters: number,
  dilation: number,
  seed: number,
): tf.layers.Layer {
  return tf.layers.conv2d({
    name,
    filters,
    kernelSize: 3,
    padding: "same",
    dilationRate: dilation,
    // BatchNorm's beta follows: a conv bias would be redundant (as in DeepLab).
    useBias: false,
    kernelInitializer: tf.initializers.heNormal({ seed }),
  });
}

/**
 * A fresh 1x1 conv head of `numClasses` outputs (glorot-uniform kernel,
 * zero bias), named {@link HEAD_NAME}.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function buildHead(numClasses: number, seed: number): tf.layers.Layer {
  return tf.layers.conv2d({
    name: HEAD_NAME,
    filters: numClasses,
    kernelSize: 1,
    padding: "same",
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: "zeros",
  });
}

/**
 * Builds the network: input [B, H, W, inChannels] of any H and W, output
 * [B, H, W, numClasses] logits. Layers: `stem_conv/bn/relu`, then
 * `block{i}_conv/bn/relu` for i = 1..n (dilation cycling through
 * `dilations`), then the 1x1 {@link HEAD_NAME}. The last ReLU is named
 * {@link FEATURES_NAME}.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function buildDeepLab(opts: DeepLabOptions): tf.LayersModel {
  const o = { ...DEEPLAB_DEFAULTS, ...opts };
  if (!Number.isInteger(o.numBlocks) || o.numBlocks < 1) {
    throw new Error(`numBlocks must be a positive integer, not ${o.numBlocks}`);
  }
  if (o.dilations.length === 0 || o.dilations.some((d) => d < 2)) {
    throw new Error(`dilations must be >= 2, got [${o.dilations}]`);
  }
  const input = tf.input({ shape: [null, null, o.inChannels], name: "grey" });
  let x = conv3x3("stem_conv", o.numFilters, 1, layerSeed(o.seed, 0))
    .apply(input) as tf.SymbolicTensor;
  x = batchNorm("stem_bn").apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: "relu", name: "stem_relu" })
    .apply(x) as tf.SymbolicTensor;
  for (let i = 1; i <= o.numBlocks; i++) {
    const d = o.dilations[(i - 1) % o.dilations.length];
    x = conv3x3(`block${i}_conv`, o.numFilters, d, layerSeed(o.seed, i))
      .apply(x) as tf.SymbolicTensor;
    x = batchNorm(`block${i}_bn`).apply(x) as tf.SymbolicTensor;
    const last = i === o.numBlocks ? FEATURES_NAME : `block${i}_relu`;
    x = tf.layers.activation({ activation: "relu", name: last })
      .apply(x) as tf.SymbolicTensor;
  }
  const logits = buildHead(o.numClasses, layerSeed(o.seed, 1000))
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: "deeplab" });
}

/**
 * A copy of `model` whose last layer is a fresh 1x1 conv of `numClasses`
 * outputs; every other weight is copied (not shared), so training the copy
 * leaves `model` untouched.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function replaceHead(
  model: tf.LayersModel,
  opts: { numClasses: number; seed: number },
): tf.LayersModel {
  const fresh = buildDeepLab({
    ...deepLabOptionsOf(model),
    numClasses: opts.numClasses,
    seed: opts.seed,
  });
  for (const layer of fresh.layers) {
    if (layer.name === HEAD_NAME || layer.getWeights().length === 0) continue;
    layer.setWeights(model.getLayer(layer.name).getWeights());
  }
  return fresh;
}

/**
 * The architecture of a model made by {@link buildDeepLab} (read from its
 * layers; the seed is not recorded and comes back as 0).
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function deepLabOptionsOf(model: tf.LayersModel): DeepLabOptions {
  const kernelShape = model.getLayer("stem_conv").getWeights()[0].shape; // [3, 3, in, F]
  const dilations: number[] = [];
  for (let i = 1; i <= bodyBlocks(model); i++) {
    const rate = model.getLayer(`block${i}_conv`).getConfig().dilationRate as
      | number
      | number[];
    dilations.push(Array.isArray(rate) ? rate[0] : rate);
  }
  return {
    numBlocks: dilations.length,
    numClasses: model.getLayer(HEAD_NAME).getWeights()[1].shape[0],
    numFilters: kernelShape[3],
    inChannels: kernelShape[2],
    dilations,
    seed: 0,
  };
}

/** n, the number of dilated blocks of a model made by {@link buildDeepLab}. */
export function bodyBlocks(model: tf.LayersModel): number {
  return model.layers.filter((l) => /^block\d+_conv$/.test(l.name)).length;
}

/**
 * A model sharing `model`'s body that outputs the features the head sees
 * ([B, H, W, F]); run it with `predict` (inference mode, intermediate
 * tensors freed as it goes).
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function featureModel(model: tf.LayersModel): tf.LayersModel {
  return tf.model({
    inputs: model.inputs,
    outputs: model.getLayer(FEATURES_NAME).output as tf.SymbolicTensor,
  });
}

/** The trainable variables of the last layer only. */
export function headVariables(model: tf.LayersModel): tf.Variable[] {
  return model.getLayer(HEAD_NAME).trainableWeights.map((w) =>
    w.read() as tf.Variable
  );
}

/** All trainable variables of the network. */
export function allVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}
