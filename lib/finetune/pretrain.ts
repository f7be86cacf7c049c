/**
 * Pre-training of the DeepLab-style network on colourization of the CIFAR-10
 * horses (grey in, palette colour out): the project's stand-in for a COCO
 * checkpoint. It is an ordinary colourization run (lib/run/run.ts) of the
 * "deeplab" model, cached like every run; fine-tuning runs start from it.
 *
 * @module
 */
import type { ColourizationInput } from "../run/config.ts";

/**
 * The pre-training run (Part C). Small, because CPU time is scarce: 2
 * passes over 2,500 horses, batch 25, a new shuffle every epoch.
 */
export const PRETRAIN_DEFAULTS: ColourizationInput = {
  model: "deeplab",
  numBlocks: 4,
  numFilters: 32,
  dilations: [2, 4, 8],
  numEpochs: 2,
  batchSize: 25,
  learningRate: 0.001,
  limitTrain: 2500,
  seed: 0,
  shuffle: "every-epoch",
};

/** The pre-training run with some fields changed. */
export function pretrainInput(
  overrides: Partial<ColourizationInput> = {},
): ColourizationInput {
  return { ...PRETRAIN_DEFAULTS, ...overrides, model: "deeplab" };
}
