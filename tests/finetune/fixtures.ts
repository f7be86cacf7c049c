/**
 * A tiny Part C for tests: the synthetic CIFAR-10 set and palette, small
 * synthetic shapes, and an experiment of a one-block network trained for an
 * epoch or two.
 */
import { initTf } from "../../lib/backend.ts";
import { loadCategoryData } from "../../lib/data/cifar.ts";
import { loadOrComputePalette } from "../../lib/data/palette.ts";
import type { Experiment } from "../../lib/finetune/experiment.ts";
import { syntheticShapes } from "../../lib/finetune/synthetic_shapes.ts";

/** Size of the tiny shapes. */
export const TINY_SIZE = 12;

/** The data of the tiny Part C. */
export async function tinySources(cacheDir: string) {
  await initTf();
  const data = await loadCategoryData({ data: "synthetic" });
  const palette = await loadOrComputePalette(data, {
    numColours: 6,
    seed: 0,
    cacheDir,
  });
  const photos = syntheticShapes({
    size: TINY_SIZE,
    numTrain: 8,
    numTest: 4,
    seed: 1,
  });
  return { horses: { data, palette }, photos };
}

/** The tiny experiment: every variant, `seeds` seeds, a small cost grid. */
export function tinyExperiment(seeds = [0]): Experiment {
  return {
    pretrain: {
      model: "deeplab",
      numBlocks: 1,
      numFilters: 4,
      dilations: [2],
      numEpochs: 1,
      batchSize: 10,
      limitTrain: 20,
      limitVal: 10,
      seed: 0,
    },
    size: TINY_SIZE,
    batchSize: 4,
    seeds,
    variants: [
      { body: "pre-trained", train: "head", learningRate: 0.05, numEpochs: 3 },
      { body: "random", train: "head", learningRate: 0.05, numEpochs: 3 },
      { body: "pre-trained", train: "all", learningRate: 0.001, numEpochs: 1 },
      { body: "random", train: "all", learningRate: 0.001, numEpochs: 1 },
    ],
    cost: { blocks: [1, 2], sizes: [8, 16], batchSize: 2 },
  };
}
