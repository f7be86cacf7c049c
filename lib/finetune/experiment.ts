/**
 * The fine-tuning comparison over several seeds: every variant, each seed,
 * and the mean with its range, as the CLI and the notebook report it.
 *
 * @module
 */
import type { ColourizationInput } from "../run/config.ts";
import type { EpochRecord } from "../train/types.ts";
import {
  type FineTuneConfig,
  runVariant,
  type RunVariantOptions,
  type Variant,
  type VariantResult,
  VARIANTS,
} from "./fine_tune.ts";
import { type SeedSummary, summariseSeeds } from "./metrics.ts";

/** One variant's test scores over seeds. */
export interface VariantSummary {
  variant: Variant;
  iou: SeedSummary;
  thresholdedIou: SeedSummary;
  seeds: number;
  /** Per-seed scores, in seed order. */
  perSeed: {
    seed: number;
    iou: number;
    thresholdedIou: number;
    seconds: number;
  }[];
}

/** Options of {@link compareVariants}. */
export interface CompareOptions {
  /** The data of the pre-training and of the segmentation runs. */
  sources: RunVariantOptions["sources"];
  /** The pre-training run. */
  body: ColourizationInput;
  cacheDir?: string;
  onLine?: (line: string) => void;
  /** Number of seeds: 0, 1, ..., seeds - 1 (default 3). */
  seeds?: number;
  variants?: readonly Variant[];
  config?: Partial<FineTuneConfig>;
  /** After each (variant, seed). */
  onResult?: (result: VariantResult) => void;
  onEpochEnd?: (variant: Variant, seed: number, record: EpochRecord) => void;
}

/** Summaries, and the seed-0 predictions of each variant (for pictures). */
export interface Comparison {
  summaries: VariantSummary[];
  firstSeedPredictions: Partial<Record<Variant, Uint8Array>>;
}

/**
 * Runs every variant with every seed and summarises the test scores.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function compareVariants(
  opts: CompareOptions,
): Promise<Comparison> {
  const seeds = opts.seeds ?? 3;
  const summaries: VariantSummary[] = [];
  const firstSeedPredictions: Partial<Record<Variant, Uint8Array>> = {};
  for (const variant of opts.variants ?? VARIANTS) {
    // The trivial baselines do not depend on the seed: one run is enough.
    const runs = variant.startsWith("all-") ? 1 : seeds;
    const perSeed: VariantSummary["perSeed"] = [];
    for (let seed = 0; seed < runs; seed++) {
      const r = await runVariant(variant, {
        sources: opts.sources,
        body: opts.body,
        seed,
        config: opts.config,
        cacheDir: opts.cacheDir,
        onLine: opts.onLine,
        onEpochEnd: (record) => opts.onEpochEnd?.(variant, seed, record),
      });
      if (seed === 0) firstSeedPredictions[variant] = r.predictions;
      perSeed.push({
        seed,
        iou: r.scores.iou,
        thresholdedIou: r.scores.thresholdedIou,
        seconds: r.seconds,
      });
      opts.onResult?.(r);
    }
    summaries.push({
      variant,
      iou: summariseSeeds(perSeed.map((s) => s.iou)),
      thresholdedIou: summariseSeeds(perSeed.map((s) => s.thresholdedIou)),
      seeds: runs,
      perSeed,
    });
  }
  return { summaries, firstSeedPredictions };
}
