/**
 * Trains (or finds in the cache) every run notebooks 01-05 need, so that a
 * long full report can be prepared in the background and the notebooks then
 * read every result from the cache.
 *
 *   deno run -A lib/experiments/train_all.ts [--quick] [--data PATH|synthetic] [--list] [--shard I/N] [--cache DIR]
 *
 * Same settings as the notebooks (COLOURLAB_QUICK, COLOURLAB_DATA,
 * COLOURLAB_SEEDS, COLOURLAB_BATCH_SIZES; the flags set the first two).
 * Prints one line per epoch; `--list` prints the runs and whether each is cached.
 * `--shard I/N` takes only runs I, I+N, I+2N, ... (0-based), so that N
 * single-threaded processes can share the cores.
 *
 * @see notebooks/05_batch_size.ipynb
 * @module
 */
import { describeBackend, initTf } from "../backend.ts";
import { DataError } from "../data/errors.ts";
import { formatEpoch } from "../train/progress.ts";
import { notebookSpecs, specLabel } from "./definitions.ts";
import { loadExperimentData } from "./experiment_data.ts";
import { isCurrent, planRun, trainOrLoad } from "../run/run.ts";
import { describeRun } from "./train_runs.ts";
import { describeSettings, experimentSettings } from "./settings.ts";

async function main(args: string[]): Promise<number> {
  if (args.includes("--quick")) Deno.env.set("COLOURLAB_QUICK", "1");
  const at = args.indexOf("--data");
  if (at >= 0) Deno.env.set("COLOURLAB_DATA", args[at + 1]);
  const c = args.indexOf("--cache");
  const cacheDir = c >= 0 ? args[c + 1] : undefined;
  const backend = await initTf();
  const settings = experimentSettings();
  const exp = await loadExperimentData(settings, { cacheDir });
  console.log(describeSettings(settings, backend, exp.data));
  const specs = notebookSpecs(settings);
  const sources = { colour: exp };
  const [shard, shards] = parseShard(args);
  for (const [i, spec] of specs.entries()) {
    if (i % shards !== shard) continue;
    const label = `[${i + 1}/${specs.length}] ${specLabel(spec)}`;
    if (args.includes("--list")) {
      console.log(
        `${label}: ${
          (await isCurrent(await planRun(spec, sources, { cacheDir })))
            ? "cached"
            : "to train"
        }`,
      );
      continue;
    }
    const run = await trainOrLoad(spec, sources, {
      cacheDir,
      onLine: (line) => console.log(`${label} ${line}`),
      onEpochEnd: (e) =>
        console.log(`${label} ${formatEpoch(e, spec.numEpochs)}`),
    });
    console.log(`${label}: ${describeRun(run)}`);
    run.model.dispose();
  }
  console.log(`backend ${describeBackend(backend)}`);
  return 0;
}

function parseShard(args: string[]): [number, number] {
  const at = args.indexOf("--shard");
  if (at < 0) return [0, 1];
  const m = /^(\d+)\/(\d+)$/.exec(args[at + 1] ?? "");
  if (!m || Number(m[1]) >= Number(m[2])) {
    throw new Error(`--shard wants I/N with 0 <= I < N, got "${args[at + 1]}"`);
  }
  return [Number(m[1]), Number(m[2])];
}

if (import.meta.main) {
  // A missing data set is the user's to fix: its message, not a stack trace.
  Deno.exit(
    await main(Deno.args).catch((e) => {
      if (!(e instanceof DataError)) throw e;
      console.error(`error: ${e.message}`);
      return 1;
    }),
  );
}
