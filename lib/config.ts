/**
 * Typed defaults for every experiment, as the handout sets them.
 *
 * @module
 */

/** The handout's defaults for Parts A and B (CSC413 PA2). */
export const DEFAULTS = {
  /** CIFAR-10 category to colourize: 7 = horse. */
  category: 7,
  /** Number of palette colours (NC). */
  numColours: 24,
  /** Number of filters of the first conv layer (NF). */
  numFilters: 32,
  /** Convolution kernel size (K), "same" padding, stride 1. */
  kernelSize: 3,
  /** Images per optimizer step. */
  batchSize: 100,
  /** Passes over the training set. */
  numEpochs: 25,
  /** Adam learning rate (the handout's CNN used 0.3; later editions 0.001). */
  learningRate: 0.001,
  /** Seed of every random choice (init, shuffle, palette, sampling). */
  seed: 0,
} as const;

/** The shape of {@link DEFAULTS}, with plain numbers. */
export type Defaults = { -readonly [K in keyof typeof DEFAULTS]: number };
