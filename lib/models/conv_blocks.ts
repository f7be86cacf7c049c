/**
 * The pieces both handout models are made of: PyTorch-initialised 'same'
 * convolutions and the "conv -> (pool | upsample) -> BatchNorm -> ReLU" block.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { layerSeed } from "../random.ts";
import { torchBatchNorm } from "./batch_norm.ts";
import { MaxPool2x2, UpsampleNearest2x } from "./resample.ts";

/** Options shared by {@link buildCnn} and {@link buildUNet}. */
export interface ModelOptions {
  /** NF: filters of the first conv layer (default 32). */
  numFilters?: number;
  /** NC: palette colours, i.e. output classes per pixel (default 24). */
  numColours?: number;
  /** K: square kernel size of every conv, 'same' padding, stride 1 (default 3). */
  kernelSize?: number;
  /** Input channels (default 1: the grey image). */
  inChannels?: number;
  /** Input height (default 32). */
  height?: number;
  /** Input width (default 32). */
  width?: number;
  /** Seed of every initializer (default 0). */
  seed?: number;
}

/** {@link ModelOptions} with every field filled in. */
export type ResolvedModelOptions = Required<ModelOptions>;

/** Fills in the handout's defaults (NF 32, NC 24, K 3, 1 channel, 32x32, seed 0). */
export function resolveModelOptions(
  opts: ModelOptions = {},
): ResolvedModelOptions {
  const resolved = {
    numFilters: opts.numFilters ?? 32,
    numColours: opts.numColours ?? 24,
    kernelSize: opts.kernelSize ?? 3,
    inChannels: opts.inChannels ?? 1,
    height: opts.height ?? 32,
    width: opts.width ?? 32,
    seed: opts.seed ?? 0,
  };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || (key !== "seed" && value < 1)) {
      throw new RangeError(
        `model option ${key} must be a positive integer, got ${value}`,
      );
    }
  }
  return resolved;
}

/**
 * A stride-1 'same' conv with bias, initialised as PyTorch's `nn.Conv2d`:
 * kaiming-uniform with a = sqrt(5), which for weights and biases alike is
 * uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = inChannels * K * K.
 * `index` numbers the layer so that each initializer gets its own seed.
 *
 * @see notebooks/02_architecture_accounting.ipynb
 */
export function torchConv2d(
  opts: {
    filters: number;
    inChannels: number;
    kernelSize: number;
    seed: number;
    index: number;
    name: string;
  },
): tf.layers.Layer {
  const bound = 1 /
    Math.sqrt(opts.inChannels * opts.kernelSize * opts.kernelSize);
  return tf.layers.conv2d({
    name: opts.name,
    filters: opts.filters,
    kernelSize: opts.kernelSize,
    strides: 1,
    padding: "same",
    useBias: true,
    kernelInitializer: tf.initializers.randomUniform({
      minval: -bound,
      maxval: bound,
      seed: layerSeed(opts.seed, 2 * opts.index),
    }),
    biasInitializer: tf.initializers.randomUniform({
      minval: -bound,
      maxval: bound,
      seed: layerSeed(opts.seed, 2 * opts.index + 1),
    }),
  });
}

/** What a handout block does between its conv and its BatchNorm. */
export type Resample = "pool" | "upsample" | "none";

/**
 * One handout block: conv -> max-pool 2 | nearest upsample x2 | nothing ->
 * BatchNorm -> ReLU. Layers are named conv{i}, pool{i} / upsample{i}, bn{i},
 * relu{i}.
 *
 * @see notebooks/01_colourization.ipynb
 */
export function convBlock(
  input: tf.SymbolicTensor,
  opts: {
    filters: number;
    kernelSize: number;
    seed: number;
    index: number;
    resample: Resample;
  },
): tf.SymbolicTensor {
  const i = opts.index;
  const inChannels = input.shape[input.shape.length - 1] as number;
  let h = torchConv2d({
    filters: opts.filters,
    inChannels,
    kernelSize: opts.kernelSize,
    seed: opts.seed,
    index: i,
    name: `conv${i}`,
  }).apply(input) as tf.SymbolicTensor;
  if (opts.resample === "pool") {
    h = new MaxPool2x2({ name: `pool${i}` }).apply(h) as tf.SymbolicTensor;
  } else if (opts.resample === "upsample") {
    h = new UpsampleNearest2x({ name: `upsample${i}` }).apply(
      h,
    ) as tf.SymbolicTensor;
  }
  h = torchBatchNorm({ name: `bn${i}` }).apply(h) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `relu${i}` }).apply(h) as tf.SymbolicTensor;
}

/** Checks that pooling twice leaves whole numbers (height and width divisible by 4). */
export function checkSpatialSize(opts: ResolvedModelOptions): void {
  if (opts.height % 4 !== 0 || opts.width % 4 !== 0) {
    throw new RangeError(
      `height and width must be multiples of 4 (two 2x2 poolings), got ${opts.height}x${opts.width}`,
    );
  }
}

/**
 * The grey input of a handout model and its block builder (layer `index`
 * 1..5, seeded from the model's seed): what the CNN and the UNet share.
 *
 * @see notebooks/04_skip_connections.ipynb
 */
export function handoutParts(o: ResolvedModelOptions): {
  input: tf.SymbolicTensor;
  block: (
    x: tf.SymbolicTensor,
    index: number,
    filters: number,
    resample: Resample,
  ) => tf.SymbolicTensor;
} {
  const input = tf.input({
    name: "grey",
    shape: [o.height, o.width, o.inChannels],
  });
  const block = (
    x: tf.SymbolicTensor,
    index: number,
    filters: number,
    resample: Resample,
  ) =>
    convBlock(x, {
      filters,
      kernelSize: o.kernelSize,
      seed: o.seed,
      index,
      resample,
    });
  return { input, block };
}
