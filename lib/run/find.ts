/**
 * Finding runs in the cache by what they are, not when they finished:
 * `colourize` without --run takes the handout's run of a model (batch 100,
 * lr 0.001, 25 epochs, seed 0, all images), preferring real data to the
 * synthetic set.
 *
 * @module
 */
import { DEFAULTS } from "../config.ts";
import { type ColourModel, resolveConfig } from "./config.ts";
import { readRunJson, RUN_FILES, type RunJson } from "./run_json.ts";
import { stableHash } from "./key.ts";

/** A complete run folder and its run.json. */
export interface FoundRun {
  dir: string;
  json: RunJson;
}

/** Every complete run (valid run.json and a checkpoint) in a run cache folder. */
export async function listRuns(runsDir: string): Promise<FoundRun[]> {
  const found: FoundRun[] = [];
  try {
    for await (const e of Deno.readDir(runsDir)) {
      if (!e.isDirectory) continue;
      const dir = `${runsDir}/${e.name}`;
      const json = await readRunJson(dir).catch(() => undefined);
      if (!json) continue;
      const ckpt = await Deno.stat(`${dir}/${RUN_FILES.checkpoint}`).catch(() =>
        undefined
      );
      if (ckpt) found.push({ dir, json });
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return found.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** The handout's configuration of a colourization model (defaults everywhere). */
export function handoutConfig(model: ColourModel) {
  return resolveConfig({
    model,
    learningRate: DEFAULTS.learningRate,
    batchSize: DEFAULTS.batchSize,
    numEpochs: DEFAULTS.numEpochs,
    seed: DEFAULTS.seed,
  });
}

/**
 * The handout's run of `model` in `runsDir`: its configuration exactly,
 * trained on real data rather than synthetic when both are cached (then the
 * most recent); undefined when there is none.
 */
export async function findHandoutRun(
  runsDir: string,
  model: ColourModel,
): Promise<FoundRun | undefined> {
  const want = stableHash(handoutConfig(model));
  const matches = (await listRuns(runsDir)).filter((r) =>
    stableHash(r.json.config) === want
  );
  matches.sort((a, b) =>
    Number(a.json.data.synthetic) - Number(b.json.data.synthetic) ||
    b.json.timings.finishedAt.localeCompare(a.json.timings.finishedAt)
  );
  return matches[0];
}

/** One line on a run: id, model, epochs, final validation numbers, data. */
export function describeRun(
  r: { dir: string; json: RunJson; cached?: boolean },
): string {
  const { json } = r;
  const c = json.config;
  const what = c.task === "segmentation"
    ? `segmentation, train ${c.train}, body ${
      c.body === "random" ? "random" : "pre-trained"
    }`
    : `${c.model}, batch ${c.batchSize}, lr ${c.learningRate}, seed ${c.seed}`;
  const f = json.final;
  return `${json.runId} (${what}, ${c.numEpochs} epochs; val accuracy ${
    (100 * f.valAccuracy).toFixed(1)
  }%, val loss ${
    f.valLoss.toFixed(3)
  }) in ${r.dir}; data: ${json.data.description}`;
}
