/**
 * A run's configuration: everything a student can change that decides the
 * result, in the lib's vocabulary. Two tasks share it: colourization (the
 * handout's CNN and UNet, and the DeepLab-style network Part C pre-trains)
 * and segmentation (Part C's fine-tuning of that network).
 *
 * @module
 */
import { DEFAULTS } from "../config.ts";

/** The networks a colourization run can train. */
export type ColourModel = "cnn" | "unet" | "unet_no_input_skip" | "deeplab";

/** A colourization run: grey CIFAR-10 images in, palette colours out. */
export interface ColourizationConfig {
  task: "colourization";
  model: ColourModel;
  /** Adam's learning rate. */
  learningRate: number;
  /** Images per optimizer step. */
  batchSize: number;
  /** Passes over the training set. */
  numEpochs: number;
  /** Seed of the initialisation and the shuffle. */
  seed: number;
  /** NF: filters of the first layer (every layer's for the DeepLab network). */
  numFilters: number;
  /** K: kernel size of the CNN's and UNet's convolutions. */
  kernelSize: number;
  /** DeepLab only: n, the number of dilated blocks. */
  numBlocks?: number;
  /** DeepLab only: dilation rates, cycled over the blocks. */
  dilations?: number[];
  /** The first N training images (null: all). */
  limitTrain: number | null;
  /** The first N validation images (null: all). */
  limitVal: number | null;
  /** One shuffle visited every epoch, or a new one each epoch. */
  shuffle: "once" | "every-epoch";
}

/** A segmentation run: Part C's network fine-tuned for horse vs background. */
export interface SegmentationConfig {
  task: "segmentation";
  model: "deeplab";
  /** The pre-training run whose weights start the body, or "random" (seeded). */
  body: ColourizationConfig | "random";
  /** "head": only the new 1x1 last layer (on features of the frozen body); "all": every weight. */
  train: "head" | "all";
  /** S: photos and masks are resized to S x S. */
  size: number;
  /** Weigh horse and background pixels equally in the loss. */
  balanced: boolean;
  learningRate: number;
  batchSize: number;
  numEpochs: number;
  seed: number;
  /** The body's architecture (the pre-training run's when `body` is one). */
  numBlocks: number;
  numFilters: number;
  dilations: number[];
  shuffle: "once" | "every-epoch";
}

/** Any run's configuration, every field filled in. */
export type RunConfig = ColourizationConfig | SegmentationConfig;

/** What a notebook or the CLI writes: the model and any fields that differ from the defaults. */
export type ColourizationInput =
  & Partial<Omit<ColourizationConfig, "task" | "model">>
  & { task?: "colourization"; model: ColourModel };

/** A segmentation run as written by a notebook: the fields that differ from the defaults. */
export type SegmentationInput =
  & Partial<Omit<SegmentationConfig, "task" | "body">>
  & {
    task: "segmentation";
    body: ColourizationInput | "random";
    train: "head" | "all";
  };

/** A run as written by a notebook or the CLI. */
export type RunInput = ColourizationInput | SegmentationInput;

/** A user's mistake in a configuration; the message names the field and what it accepts. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** The DeepLab network's defaults (Part C). */
export const DEEPLAB_RUN_DEFAULTS = {
  numBlocks: 4,
  numFilters: 32,
  dilations: [2, 4, 8],
} as const;

const MODELS: readonly ColourModel[] = [
  "cnn",
  "unet",
  "unet_no_input_skip",
  "deeplab",
];

/** Fills in the handout's defaults and checks every field. */
export function resolveConfig(input: ColourizationInput): ColourizationConfig;
export function resolveConfig(input: SegmentationInput): SegmentationConfig;
export function resolveConfig(input: RunInput): RunConfig;
export function resolveConfig(input: RunInput): RunConfig {
  if (input.task === "segmentation") return resolveSegmentation(input);
  if (!MODELS.includes(input.model)) {
    throw new ConfigError(
      `model must be one of ${MODELS.join(", ")}, got ${
        JSON.stringify(input.model)
      }`,
    );
  }
  const deeplab = input.model === "deeplab";
  const config: ColourizationConfig = {
    task: "colourization",
    model: input.model,
    learningRate: positive(
      "learningRate",
      input.learningRate ?? DEFAULTS.learningRate,
    ),
    batchSize: count("batchSize", input.batchSize ?? DEFAULTS.batchSize),
    numEpochs: count("numEpochs", input.numEpochs ?? DEFAULTS.numEpochs),
    seed: seed(input.seed ?? DEFAULTS.seed),
    numFilters: count(
      "numFilters",
      input.numFilters ??
        (deeplab ? DEEPLAB_RUN_DEFAULTS.numFilters : DEFAULTS.numFilters),
    ),
    kernelSize: count("kernelSize", input.kernelSize ?? DEFAULTS.kernelSize),
    limitTrain: optionalCount("limitTrain", input.limitTrain),
    limitVal: optionalCount("limitVal", input.limitVal),
    shuffle: shuffle(input.shuffle ?? "once"),
  };
  if (deeplab) {
    config.kernelSize = 3;
    config.numBlocks = count(
      "numBlocks",
      input.numBlocks ?? DEEPLAB_RUN_DEFAULTS.numBlocks,
    );
    config.dilations = dilations(
      input.dilations ?? [...DEEPLAB_RUN_DEFAULTS.dilations],
    );
  } else if (input.numBlocks !== undefined || input.dilations !== undefined) {
    throw new ConfigError(
      `numBlocks and dilations are DeepLab settings; model ${input.model} has none`,
    );
  }
  return config;
}

function resolveSegmentation(input: SegmentationInput): SegmentationConfig {
  if (input.train !== "head" && input.train !== "all") {
    throw new ConfigError(
      `train must be "head" or "all", got ${JSON.stringify(input.train)}`,
    );
  }
  const body = input.body === "random"
    ? "random" as const
    : resolveConfig({ ...input.body, task: "colourization" });
  if (body !== "random" && body.model !== "deeplab") {
    throw new ConfigError(
      `a segmentation run's body must be a deeplab pre-training run, got model ${body.model}`,
    );
  }
  const arch = body === "random"
    ? {
      numBlocks: count(
        "numBlocks",
        input.numBlocks ?? DEEPLAB_RUN_DEFAULTS.numBlocks,
      ),
      numFilters: count(
        "numFilters",
        input.numFilters ?? DEEPLAB_RUN_DEFAULTS.numFilters,
      ),
      dilations: dilations(
        input.dilations ?? [...DEEPLAB_RUN_DEFAULTS.dilations],
      ),
    }
    : {
      numBlocks: body.numBlocks!,
      numFilters: body.numFilters,
      dilations: body.dilations!,
    };
  return {
    task: "segmentation",
    model: "deeplab",
    body,
    train: input.train,
    size: count("size", input.size ?? 64),
    balanced: input.balanced ?? true,
    learningRate: positive(
      "learningRate",
      input.learningRate ?? (input.train === "head" ? 0.05 : 0.001),
    ),
    batchSize: count("batchSize", input.batchSize ?? 16),
    numEpochs: count(
      "numEpochs",
      input.numEpochs ?? (input.train === "head" ? 30 : 8),
    ),
    seed: seed(input.seed ?? 0),
    ...arch,
    shuffle: shuffle(input.shuffle ?? "every-epoch"),
  };
}

function count(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new ConfigError(
      `${name} must be a positive integer, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function optionalCount(name: string, v: unknown): number | null {
  return v === undefined || v === null ? null : count(name, v);
}

function positive(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new ConfigError(
      `${name} must be a positive number, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function seed(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new ConfigError(
      `seed must be an integer >= 0, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function shuffle(v: unknown): "once" | "every-epoch" {
  if (v !== "once" && v !== "every-epoch") {
    throw new ConfigError(
      `shuffle must be "once" or "every-epoch", got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function dilations(v: unknown): number[] {
  if (
    !Array.isArray(v) || v.length === 0 ||
    v.some((d) => !Number.isInteger(d) || d < 2)
  ) {
    throw new ConfigError(
      `dilations must be a non-empty list of integers >= 2, got ${
        JSON.stringify(v)
      }`,
    );
  }
  return [...v];
}

/**
 * A short readable name of a run, the start of its folder's name, e.g.
 * "unet_bs100_lr0.001_e25_seed0" or "seg_head_pretrained_bs16_lr0.05_e30_seed0_s64".
 */
export function runName(config: RunConfig): string {
  if (config.task === "segmentation") {
    return [
      "seg",
      config.train,
      config.body === "random" ? "random" : "pretrained",
      `bs${config.batchSize}`,
      `lr${config.learningRate}`,
      `e${config.numEpochs}`,
      `seed${config.seed}`,
      `s${config.size}`,
    ].join("_");
  }
  const extras = [
    config.numFilters !==
        (config.model === "deeplab"
          ? DEEPLAB_RUN_DEFAULTS.numFilters
          : DEFAULTS.numFilters)
      ? `nf${config.numFilters}`
      : "",
    config.kernelSize !== DEFAULTS.kernelSize ? `k${config.kernelSize}` : "",
    config.numBlocks !== undefined ? `n${config.numBlocks}` : "",
    config.limitTrain !== null ? `t${config.limitTrain}` : "",
    config.limitVal !== null ? `v${config.limitVal}` : "",
    config.shuffle === "every-epoch" ? "reshuffle" : "",
  ].filter(Boolean);
  return [
    config.model,
    `bs${config.batchSize}`,
    `lr${config.learningRate}`,
    `e${config.numEpochs}`,
    `seed${config.seed}`,
    ...extras,
  ].join("_");
}

/** A label for legends and progress lines, e.g. "UNet lr 0.001 bs 100 seed 0". */
export function runLabel(config: RunConfig): string {
  if (config.task === "segmentation") {
    const what = config.train === "head" ? "last layer" : "whole network";
    const from = config.body === "random" ? "random body" : "pre-trained body";
    return `${what}, ${from}, seed ${config.seed}`;
  }
  const name = {
    cnn: "CNN",
    unet: "UNet",
    unet_no_input_skip: "UNet without input skip",
    deeplab: "DeepLab",
  }[config.model];
  return `${name} lr ${config.learningRate} bs ${config.batchSize} seed ${config.seed}`;
}
