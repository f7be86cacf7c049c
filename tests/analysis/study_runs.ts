/**
 * Runs for the study tests without training: freshly built (untrained)
 * models on a small synthetic set, each with a made-up history, so that a
 * study's arithmetic and its predictions path run end to end in a second.
 */
import type { ExperimentData } from "../../lib/data/horses.ts";
import { syntheticCategoryData } from "../../lib/data/synthetic.ts";
import type { Palette } from "../../lib/data/types.ts";
import { buildModel } from "../../lib/models/build.ts";
import {
  type ColourizationInput,
  resolveConfig,
} from "../../lib/run/config.ts";
import type { Run } from "../../lib/run/load.ts";
import type { RunJson } from "../../lib/run/run_json.ts";
import type { EpochRecord } from "../../lib/train/types.ts";

/** Three greys and three colours: the near-grey half is colours 0-2. */
export const PALETTE: Palette = {
  colours: new Float32Array([
    0.1,
    0.1,
    0.1,
    0.5,
    0.5,
    0.5,
    0.9,
    0.9,
    0.9,
    0.6,
    0.3,
    0.1,
    0.2,
    0.6,
    0.2,
    0.3,
    0.3,
    0.8,
  ]),
  numColours: 6,
  description: "test palette",
};

/** A small synthetic set with {@link PALETTE}. */
export function testHorses(): ExperimentData {
  return {
    data: syntheticCategoryData({ trainCount: 12, valCount: 4, seed: 3 }),
    palette: PALETTE,
  };
}

/** A history whose losses fall from `start` to `end` over `epochs`. */
export function history(
  start: number,
  end: number,
  opts: { epochs?: number; accuracy?: number; seconds?: number } = {},
): EpochRecord[] {
  const n = opts.epochs ?? 4;
  return Array.from({ length: n }, (_, i) => {
    const t = n > 1 ? i / (n - 1) : 1;
    const valLoss = start + (end - start) * t;
    return {
      epoch: i + 1,
      trainLoss: valLoss - 0.05,
      valLoss,
      valAccuracy: (opts.accuracy ?? 0.4) * (0.8 + 0.2 * t),
      seconds: opts.seconds ?? 2,
      imagesPerSecond: 100,
    };
  });
}

/** A run of `input` with an untrained model (dispose it) and `history`. */
export function fakeRun(
  input: ColourizationInput,
  hist: EpochRecord[],
): Run {
  const config = resolveConfig({ ...input, numEpochs: hist.length });
  return {
    runId: `test_${input.model}_${input.seed ?? 0}`,
    dir: "/nonexistent",
    config,
    json: {} as RunJson,
    model: buildModel(config, { height: 32, width: 32, numClasses: 6 }),
    history: hist,
    palette: PALETTE,
    cached: true,
    seconds: 0,
  };
}
