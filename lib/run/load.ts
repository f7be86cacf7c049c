/**
 * Reading a run folder back: the one function every consumer uses (the
 * notebooks, `colourize --run`, the report), whoever wrote the folder.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Palette } from "../data/types.ts";
import { buildModel } from "../models/build.ts";
import { readCheckpoint, setModelWeights } from "../train/checkpoint.ts";
import type { EpochRecord } from "../train/types.ts";
import type { RunConfig } from "./config.ts";
import { readRunJson, RUN_FILES, type RunJson } from "./run_json.ts";

/** A trained run: its folder, configuration, model and history. */
export interface Run {
  runId: string;
  dir: string;
  config: RunConfig;
  /** Its run.json. */
  json: RunJson;
  /** The trained network (dispose it when done). */
  model: tf.LayersModel;
  history: EpochRecord[];
  /** The palette of a colourization run; null for segmentation. */
  palette: Palette | null;
  /** True when read from the folder, false when trained by this call. */
  cached: boolean;
  /** Seconds this call took (training, or reading). */
  seconds: number;
}

/** The folder is not a complete run; the message says what is missing. */
export class NotARunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotARunError";
  }
}

/**
 * Loads the complete run in `dir`: run.json (validated), history.json and
 * the checkpoint's weights into a model built from the configuration.
 */
export async function loadRun(dir: string): Promise<Run> {
  const t0 = performance.now();
  const json = await readRunJson(dir);
  if (!json) {
    let partial = false;
    try {
      await Deno.stat(`${dir}/${RUN_FILES.checkpoint}`);
      partial = true;
    } catch { /* no checkpoint either */ }
    throw new NotARunError(
      partial
        ? `${dir} holds an unfinished run (a checkpoint, no run.json): finish it with \`deno task train ... --out ${dir} --resume\``
        : `${dir} is not a run folder (no ${RUN_FILES.run}): give a \`deno task train --out\` folder or data/runs/<runId>`,
    );
  }
  const history = JSON.parse(
    await Deno.readTextFile(`${dir}/${RUN_FILES.history}`),
  ) as EpochRecord[];
  const ckptPath = `${dir}/${RUN_FILES.checkpoint}`;
  const ckpt = await readCheckpoint(ckptPath);
  const palette = json.palette ? paletteOf(json.palette) : null;
  const config = json.config;
  // the size of the network's input does not change its weights: 32x32
  // builds the handout models, whose spatial checks need the data's size
  const model = buildModel(config, {
    height: config.task === "segmentation" ? config.size : 32,
    width: config.task === "segmentation" ? config.size : 32,
    numClasses: palette?.numColours ?? 2,
  });
  try {
    setModelWeights(model, ckpt.weights, ckptPath);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return {
    runId: json.runId,
    dir,
    config,
    json,
    model,
    history,
    palette,
    cached: true,
    seconds: (performance.now() - t0) / 1000,
  };
}

function paletteOf(p: { description: string; colours: number[] }): Palette {
  return {
    colours: Float32Array.from(p.colours),
    numColours: p.colours.length / 3,
    description: p.description,
  };
}
