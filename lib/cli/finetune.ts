/**
 * `deno task finetune [--quick] [--data DIR] [--pretrain-data PATH|synthetic]
 * [--size S] [--seeds K] [--out DIR]`: notebooks/06_fine_tuning.ipynb's
 * experiment (lib/finetune/experiment.ts EXPERIMENT) from a terminal, one
 * thing at a time in this process: pre-trains (or reads from the run cache)
 * the DeepLab-style network, fine-tunes every variant with every seed,
 * measures the cost of one step (C.4, C.5), and prints the answers and
 * findings the notebook shows. Writes `results.json` and `masks.png`.
 *
 * @module
 */
import { initTf } from "../backend.ts";
import { watchParent } from "./parent_watch.ts";
import { loadExperimentData } from "../data/horses.ts";
import { findWeizmann, requireWeizmann } from "../data/weizmann_source.ts";
import { loadSegmentationData } from "../finetune/segmentation_data.ts";
import { EXPERIMENT, runInputs } from "../finetune/experiment.ts";
import { forMode } from "../finetune/settings.ts";
import { costStudy } from "../finetune/cost_run.ts";
import { costProgressLine } from "../finetune/cost_progress.ts";
import { fineTuningStudy } from "../analysis/fine_tuning.ts";
import {
  fineTuningAnswer,
  fineTuningFindings,
  fineTuningRows,
} from "../analysis/fine_tuning_findings.ts";
import {
  costAnswer,
  costFindings,
  costRows,
  costStudy as costAnalysis,
} from "../analysis/fine_tuning_cost.ts";
import { maskFigure } from "../analysis/fine_tuning_figures.ts";
import { writeFileAtomic } from "../io/file_handler.ts";
import { projectDataDir } from "../io/data_dir.ts";
import { trainOrLoad } from "../run/run.ts";
import type { Run } from "../run/load.ts";
import { resolveConfig, runLabel } from "../run/config.ts";
import { formatEpoch } from "../train/progress.ts";
import { tableBundle } from "../show/table.ts";
import {
  type FineTuneArgs,
  parseFineTuneArgs,
  USAGE,
} from "./finetune_args.ts";

/**
 * Runs the whole job; `print` receives every output line. Writes
 * `out/results.json` (both studies, without the masks) and `out/masks.png`.
 */
export async function runFineTuneCli(
  args: FineTuneArgs,
  print: (line: string) => void,
): Promise<void> {
  const backend = await initTf();
  print(`backend: ${backend.name} (${backend.reason})`);
  const cacheDir = projectDataDir();
  const settings = { quick: args.quick, data: args.pretrainData, seed: 0 };
  // the photos are settled before anything trains
  const found = requireWeizmann(
    args.data ?? findWeizmann(undefined, cacheDir),
    {
      fallback: args.quick || args.pretrainData === "synthetic",
      projectDataDir: cacheDir,
    },
  );
  const { experiment, note } = forMode({
    ...EXPERIMENT,
    size: args.size,
    seeds: Array.from({ length: args.seeds }, (_, i) => i),
  }, settings);
  if (note) print(note);
  const horses = await loadExperimentData(settings, { cacheDir });
  const photos = await loadSegmentationData({ data: found, size: args.size });
  print(`pre-training data: ${horses.data.source.description}`);
  print(`segmentation data: ${photos.source.description}`);
  const runs: Run[] = [];
  try {
    for (const input of runInputs(experiment)) {
      const label = runLabel(resolveConfig(input));
      const run = await trainOrLoad(input, {
        colour: horses,
        segmentation: photos,
      }, {
        cacheDir,
        onLine: print,
        onEpochEnd: (e) => print(`  ${label}: ${formatEpoch(e)}`),
      });
      print(`${label}: ${run.cached ? "read from the cache" : "trained"}`);
      runs.push(run);
    }
    const cost = await costStudy(experiment.cost, {
      backend,
      cacheDir,
      inProcess: true,
      progress: (p) => {
        if (p.finished || p.done % 5 === 0) print(costProgressLine(p));
      },
    });
    const study = await fineTuningStudy(runs, { horses, photos });
    const costs = costAnalysis(cost);
    for (
      const text of [
        fineTuningAnswer(study),
        fineTuningFindings(study),
        tableBundle(fineTuningRows(study))["text/plain"],
        costAnswer(costs),
        costFindings(costs),
        tableBundle(costRows(costs))["text/plain"],
      ]
    ) {
      print("");
      for (const line of text.split("\n")) print(line);
    }
    await Deno.mkdir(args.out, { recursive: true });
    const { masks: _, ...plain } = study;
    await writeFileAtomic(
      `${args.out}/results.json`,
      JSON.stringify({ study: plain, cost: costs }, null, 1) + "\n",
    );
    const picture = await maskFigure(study, photos.test);
    await writeFileAtomic(`${args.out}/masks.png`, picture.png);
    print("");
    print(`results: ${args.out}/results.json, masks: ${args.out}/masks.png`);
  } finally {
    for (const r of runs) r.model.dispose();
  }
}

if (import.meta.main) {
  watchParent();
  let args: FineTuneArgs | "help";
  try {
    args = parseFineTuneArgs(Deno.args);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    Deno.exit(2);
  }
  if (args === "help") {
    console.log(USAGE);
  } else {
    try {
      await runFineTuneCli(args, (line) => console.log(line));
    } catch (e) {
      console.error(`error: ${(e as Error).message}`);
      Deno.exit(1);
    }
  }
  Deno.exit(0);
}
