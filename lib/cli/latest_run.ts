/**
 * Choosing a model when colourize is given no --run: the most recent
 * complete run of a model type in the run cache, or, when there is none,
 * what to do to train one.
 *
 * @module
 */
import type { ModelKind } from "../experiments/run_cache.ts";
import { workerModules } from "./colourize_modules.ts";
import { readJson, type RunJson } from "./run_json.ts";

/**
 * The most recent complete run (run.json and checkpoint present) of model
 * type `kind` in the run cache `runsDir`, by the time it finished; undefined
 * when there is none.
 */
export async function latestRun(
  runsDir: string,
  kind: ModelKind,
): Promise<string | undefined> {
  const { CHECKPOINT_FILE } = await workerModules();
  const found: { dir: string; finished: string }[] = [];
  try {
    for await (const e of Deno.readDir(runsDir)) {
      if (!e.isDirectory) continue;
      const dir = `${runsDir}/${e.name}`;
      const run = await readJson<RunJson>(`${dir}/run.json`).catch(() =>
        undefined
      );
      const type = run?.spec?.model ?? run?.config?.model;
      if (type !== kind) continue;
      const ckpt = await Deno.stat(`${dir}/${CHECKPOINT_FILE}`).catch(() =>
        undefined
      );
      if (!ckpt) continue;
      found.push({
        dir,
        finished: run?.finished ?? run?.finishedAt ??
          ckpt.mtime?.toISOString() ?? "",
      });
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  found.sort((a, b) =>
    b.finished.localeCompare(a.finished) || a.dir.localeCompare(b.dir)
  );
  return found[0]?.dir;
}

/**
 * What to do when no trained model is cached: how to train one, and how to
 * point --run at it.
 */
export function noModelMessage(kind: "cnn" | "unet", runsDir: string): string {
  const notebook = kind === "unet"
    ? "notebooks/04_skip_connections.ipynb"
    : "notebooks/01_colourization.ipynb";
  return `no trained ${kind} model in ${runsDir} (the run cache). Train one first, either:
  deno task train --model ${kind} --epochs 25 --batch-size 100 --lr 0.001 --out runs/${kind}
then colourize with it:
  deno task colourize IMAGE... --run runs/${kind} --out DIR
or run ${notebook} (or \`deno task report\`), which caches its ${kind} runs in data/runs/;
\`deno task colourize IMAGE... --model ${kind} --out DIR\` then uses the most recent one.
`;
}
