/**
 * Part C's experiment as a notebook states it: the pre-training run, the
 * fine-tuning variants (which body, which part trains) with their seeds, and
 * the grid of the cost study; and the runs it stands for, in the order
 * `train.runAll` takes them.
 *
 * @module
 */
import type {
  ColourizationInput,
  RunInput,
  SegmentationConfig,
  SegmentationInput,
} from "../run/config.ts";
import { capForQuickMode } from "../run/run_all.ts";
import type { CostMode } from "./cost_study.ts";

/** One fine-tuning variant: the body it starts from and what trains. */
export interface VariantSpec {
  /** "pre-trained": the pre-training run's body; "random": a seeded random one. */
  body: "pre-trained" | "random";
  /** "head": only the new 1x1 last layer; "all": every weight. */
  train: "head" | "all";
  learningRate: number;
  numEpochs: number;
}

/** The grid of the cost study (C.4, C.5): one optimizer step at each n and S. */
export interface CostSpec {
  /** n: numbers of dilated blocks. */
  blocks: number[];
  /** S: input sizes (C.5 compares S with 2S). */
  sizes: number[];
  /** Images per step. */
  batchSize: number;
  /** The three ways of running a step (default all: a, b, c). */
  modes?: CostMode[];
}

/** Part C's experiment, in the lib's vocabulary. */
export interface Experiment {
  /** The pre-training: a colourization run of the "deeplab" model. */
  pretrain: ColourizationInput & { model: "deeplab" };
  /** S: photos and masks resized to S x S. */
  size: number;
  /** Images per step of every fine-tuning run. */
  batchSize: number;
  /** Every variant trains once per seed. */
  seeds: number[];
  variants: VariantSpec[];
  cost: CostSpec;
}

/**
 * The experiment notebooks/06_fine_tuning.ipynb states, for the command line
 * (`deno task finetune`) and the tests.
 */
export const EXPERIMENT: Experiment = {
  pretrain: {
    model: "deeplab",
    numBlocks: 4,
    numFilters: 32,
    dilations: [2, 4, 8],
    numEpochs: 2,
    batchSize: 25,
    learningRate: 0.003,
    seed: 0,
    shuffle: "every-epoch",
  },
  size: 32,
  batchSize: 16,
  seeds: [0, 1, 2],
  variants: [
    { body: "pre-trained", train: "head", learningRate: 0.05, numEpochs: 30 },
    { body: "random", train: "head", learningRate: 0.05, numEpochs: 30 },
    { body: "pre-trained", train: "all", learningRate: 0.001, numEpochs: 8 },
    { body: "random", train: "all", learningRate: 0.001, numEpochs: 8 },
  ],
  cost: { blocks: [2, 4, 8, 12, 16], sizes: [32, 64], batchSize: 4 },
};

/**
 * What quick mode (CI) keeps of Part C: the first seed, short runs, the
 * first three block counts and half the sizes.
 */
export const QUICK_PART_C = {
  seeds: 1,
  headEpochs: 10,
  wholeEpochs: 2,
  blocks: 3,
};

/**
 * "last layer, pre-trained body", "whole network, random body", ...: the
 * words lib/run/config.ts runLabel uses, without the seed.
 */
export function variantName(v: Pick<VariantSpec, "body" | "train">): string {
  return `${v.train === "head" ? "last layer" : "whole network"}, ${
    v.body === "random" ? "random body" : "pre-trained body"
  }`;
}

/** The variant a segmentation run's configuration belongs to. */
export function variantOf(
  config: SegmentationConfig,
): Pick<VariantSpec, "body" | "train"> {
  return {
    body: config.body === "random" ? "random" : "pre-trained",
    train: config.train,
  };
}

/** The segmentation run of one variant and seed, starting from `pretrain`. */
export function variantInput(
  v: VariantSpec,
  opts: {
    pretrain: ColourizationInput;
    size: number;
    batchSize: number;
    seed: number;
  },
): SegmentationInput {
  const p = opts.pretrain;
  return {
    task: "segmentation",
    body: v.body === "random" ? "random" : p,
    train: v.train,
    size: opts.size,
    learningRate: v.learningRate,
    numEpochs: v.numEpochs,
    batchSize: opts.batchSize,
    seed: opts.seed,
    // a random body has the pre-trained one's architecture
    ...(v.body === "random"
      ? {
        numBlocks: p.numBlocks,
        numFilters: p.numFilters,
        dilations: p.dilations,
      }
      : {}),
  };
}

/**
 * The runs of the experiment for `train.runAll`: the pre-training first,
 * then each variant with each seed, those on a random body before those on
 * the pre-trained one (they need not wait for the pre-training).
 */
export function runInputs(e: Experiment): RunInput[] {
  const random = e.variants.filter((v) => v.body === "random");
  const pretrained = e.variants.filter((v) => v.body !== "random");
  return [
    e.pretrain,
    ...[...random, ...pretrained].flatMap((v) =>
      e.seeds.map((seed) =>
        variantInput(v, {
          pretrain: e.pretrain,
          size: e.size,
          batchSize: e.batchSize,
          seed,
        })
      )
    ),
  ];
}

/**
 * The experiment as quick mode runs it, and the line that says so: the
 * pre-training under runAll's caps (so that the fine-tuning runs name the
 * body runAll trains), {@link QUICK_PART_C} for the rest.
 */
export function quickExperiment(
  e: Experiment,
): { experiment: Experiment; note: string } {
  const pretrain = capForQuickMode(e.pretrain).input as Experiment["pretrain"];
  const q = QUICK_PART_C;
  const blocks = e.cost.blocks.slice(0, q.blocks);
  const sizes = e.cost.sizes.map((s) => Math.max(8, Math.round(s / 2)));
  return {
    experiment: {
      ...e,
      pretrain,
      seeds: e.seeds.slice(0, q.seeds),
      variants: e.variants.map((v) => ({
        ...v,
        numEpochs: Math.min(
          v.numEpochs,
          v.train === "head" ? q.headEpochs : q.wholeEpochs,
        ),
      })),
      cost: { ...e.cost, blocks, sizes },
    },
    note: `quick mode keeps seed ${
      e.seeds.slice(0, q.seeds).join(", ")
    } only, at most ${q.headEpochs} epochs of last-layer and ${q.wholeEpochs} of whole-network training, cost study at n in {${blocks}} and S in {${sizes}}`,
  };
}
