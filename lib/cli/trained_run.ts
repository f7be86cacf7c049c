/**
 * A trained model loaded from a run folder (a `deno task train --out` folder
 * or a run cache folder), with what it was trained on, and its one-line
 * description.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { Palette } from "../data/types.ts";
import type { ModelKind } from "../experiments/run_cache.ts";
import type { EpochRecord } from "../train/types.ts";
import { workerModules } from "./colourize_modules.ts";
import { readJson, type RunJson } from "./run_json.ts";
import { runPalette } from "./run_palette.ts";
import { UsageError } from "./train_args.ts";

/** A trained model read from a run folder, and what it was trained on. */
export interface TrainedRun {
  dir: string;
  /** The run cache's id, or the folder's name for a `train --out` folder. */
  runId: string;
  kind: ModelKind;
  model: tf.LayersModel;
  palette: Palette;
  history: EpochRecord[];
  /** Epochs the run was asked for (undefined when not recorded). */
  numEpochs?: number;
  /** False while run.json is missing (training not finished). */
  complete: boolean;
  /** One line on the data set it was trained on. */
  data: string;
  synthetic: boolean;
}

const KINDS: readonly ModelKind[] = ["cnn", "unet", "unet_no_input_skip"];

/**
 * Loads the model and palette of a run folder: a `deno task train --out`
 * folder (its checkpoint config holds the palette) or a run cache folder
 * `data/runs/<runId>` (palette found through run.json's palette line).
 */
export async function loadTrainedRun(dir: string): Promise<TrainedRun> {
  const { buildModel, CHECKPOINT_FILE, readCheckpoint, setModelWeights } =
    await workerModules();
  const ckptPath = `${dir}/${CHECKPOINT_FILE}`;
  try {
    await Deno.stat(ckptPath);
  } catch {
    throw new UsageError(
      `${dir} is not a trained run: no ${CHECKPOINT_FILE} (give a \`deno task train --out\` folder or data/runs/<runId>)`,
    );
  }
  const ckpt = await readCheckpoint(ckptPath);
  const runJson = await readJson<RunJson>(`${dir}/run.json`);
  const config = ckpt.config as Record<string, unknown> & RunJson["config"];
  const kind = config.model as ModelKind;
  if (!KINDS.includes(kind)) {
    throw new Error(`${ckptPath}: unknown model type "${config.model}"`);
  }
  // NC: the last weight is the final conv's bias, [NC]
  const numColours = ckpt.weights.at(-1)?.shape.at(-1);
  const palette = await runPalette(dir, { config, runJson, numColours });
  const num = (key: string, fallback: number) =>
    typeof config[key] === "number" ? config[key] as number : fallback;
  const model = buildModel({
    model: kind,
    numFilters: num("numFilters", 32),
    kernelSize: num("kernelSize", 3),
    seed: num("seed", 0),
    learningRate: 0,
    batchSize: 1,
    numEpochs: 0,
  }, {
    height: num("height", 32),
    width: num("width", 32),
    numColours: palette.numColours,
  });
  try {
    setModelWeights(model, ckpt.weights, ckptPath);
  } catch (e) {
    model.dispose();
    throw new Error(
      `${
        (e as Error).message
      } (is the palette the run's own? ${palette.description})`,
    );
  }
  const data = typeof runJson?.data === "string"
    ? runJson.data
    : runJson?.data?.description ?? "data set not recorded";
  return {
    dir,
    runId: runJson?.runId ??
      (typeof config.runId === "string"
        ? config.runId
        : basename(resolve(dir))),
    kind,
    model,
    palette,
    history: (await readJson<EpochRecord[]>(`${dir}/history.json`)) ??
      ckpt.history,
    numEpochs: runJson?.spec?.numEpochs ?? runJson?.config?.numEpochs,
    complete: runJson !== undefined,
    data,
    synthetic:
      (typeof runJson?.data === "object" && runJson.data.synthetic === true) ||
      /synthetic/i.test(data),
  };
}

/** One line on a run: id, type, epochs, final validation accuracy and loss, data. */
export function describeTrainedRun(run: TrainedRun): string {
  const last = run.history.at(-1);
  const epochs = `${run.history.length}${
    run.numEpochs !== undefined ? ` of ${run.numEpochs}` : ""
  } epochs`;
  const result = last
    ? `val accuracy ${(100 * last.valAccuracy).toFixed(1)}%, val loss ${
      last.valLoss.toFixed(3)
    }`
    : "no validation recorded";
  return `${run.runId} (${run.kind}, ${epochs}${
    run.complete ? "" : ", UNFINISHED"
  }; ${result}) from ${run.dir}; ` +
    `data: ${run.data}`;
}
