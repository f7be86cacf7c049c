/**
 * Train once, then read from the cache: every trained model and its history
 * live in `data/runs/<runId>/`, keyed by the run's configuration, the data's
 * sha256, the palette, and the source code that produced them. Re-running a
 * notebook is fast; re-training happens when any of those change, or when
 * asked (`retrain: true`).
 *
 * Folder layout: `checkpoint.bin` (lib/train/checkpoint.ts: weights with
 * BatchNorm statistics, Adam state, history, config; written by the trainer
 * after every epoch, so an interrupted run resumes), `history.json`,
 * `config.json` and `run.json` (written when the run completes).
 *
 * @see notebooks/04_skip_connections.ipynb
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { DEFAULTS } from "../config.ts";
import type { Palette } from "../data/types.ts";
import { buildCnn } from "../models/cnn.ts";
import { writeFileAtomic } from "../io/file_handler.ts";
import { hashSources } from "../io/source_hash.ts";
import { createHash } from "node:crypto";
import { buildUNet } from "../models/unet.ts";
import {
  CHECKPOINT_FILE,
  readCheckpoint,
  setModelWeights,
} from "../train/checkpoint.ts";
import { trainModel, type TrainOptions } from "../train/fit.ts";
import type { EpochRecord } from "../train/types.ts";
import { type ExperimentData, trainData } from "./experiment_data.ts";
import { projectDataDir } from "./settings.ts";

/** The models an experiment can train. */
export type ModelKind = "cnn" | "unet" | "unet_no_input_skip";

/** One training run's configuration (all that decides its result). */
export interface ExperimentSpec {
  model: ModelKind;
  learningRate: number;
  batchSize: number;
  numEpochs: number;
  seed: number;
  /** NF (default 32). */
  numFilters?: number;
  /** K (default 3). */
  kernelSize?: number;
  /** First N training images (default all). */
  limitTrain?: number;
  /** First N validation images (default all). */
  limitVal?: number;
}

/** What {@link trainOrLoad} returns. */
export interface RunResult {
  runId: string;
  /** The run's folder. */
  dir: string;
  spec: ExperimentSpec;
  model: tf.LayersModel;
  history: EpochRecord[];
  /** True when read from the cache, false when trained now. */
  cached: boolean;
  /** Seconds this call took (training, or loading). */
  seconds: number;
  /** Seconds the training took when it was done (now or earlier). */
  trainSeconds: number;
}

/** Options of {@link trainOrLoad}. */
export interface TrainOrLoadOptions extends ExperimentData {
  /** Folder of all runs (default the project's data/runs). */
  cacheDir?: string;
  /** Train again even when a complete run is cached. */
  retrain?: boolean;
  onBatchEnd?: TrainOptions["onBatchEnd"];
  onEpochEnd?: TrainOptions["onEpochEnd"];
}

/** Folders whose source decides a run's result (relative to this file). */
// lib/kernels too: a kernel fix changes what training computes (it did: the
// max-pool gradient's tie rule), so cached runs must not outlive one.
const CODE_DIRS = [
  "../models/",
  "../train/",
  "../data/",
  "../kernels/",
];
const CODE_FILES = ["../random.ts", "./experiment_data.ts", "./run_cache.ts"];

let codeHashMemo: Promise<string> | undefined;

/**
 * sha256 of the source files of lib/models, lib/train, lib/data, lib/kernels
 * (and the seeded random numbers and this cache), in name order.
 * @see notebooks/04_skip_connections.ipynb
 */
export function codeHash(): Promise<string> {
  codeHashMemo ??= hashSources(import.meta.url, CODE_DIRS, CODE_FILES);
  return codeHashMemo;
}

/** The spec with every default filled in (what the key hashes). */
export function resolveSpec(
  spec: ExperimentSpec,
): Required<Omit<ExperimentSpec, "limitTrain" | "limitVal">> & {
  limitTrain: number | null;
  limitVal: number | null;
} {
  return {
    model: spec.model,
    learningRate: spec.learningRate,
    batchSize: spec.batchSize,
    numEpochs: spec.numEpochs,
    seed: spec.seed,
    numFilters: spec.numFilters ?? DEFAULTS.numFilters,
    kernelSize: spec.kernelSize ?? DEFAULTS.kernelSize,
    limitTrain: spec.limitTrain ?? null,
    limitVal: spec.limitVal ?? null,
  };
}

/**
 * The run's id: readable settings plus 8 hex digits of the key, e.g.
 * "unet_bs100_lr0.001_e25_seed0_1a2b3c4d".
 * @see notebooks/04_skip_connections.ipynb
 */
export async function runId(
  spec: ExperimentSpec,
  exp: ExperimentData,
): Promise<string> {
  const s = resolveSpec(spec);
  const key = JSON.stringify({
    spec: s,
    data: exp.data.source.sha256,
    category: exp.data.category,
    palette: paletteKey(exp.palette),
    code: await codeHash(),
  });
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 8);
  const extras = [
    s.numFilters !== DEFAULTS.numFilters ? `nf${s.numFilters}` : "",
    s.kernelSize !== DEFAULTS.kernelSize ? `k${s.kernelSize}` : "",
    s.limitTrain !== null ? `n${s.limitTrain}` : "",
    s.limitVal !== null ? `v${s.limitVal}` : "",
  ].filter(Boolean);
  return [
    s.model,
    `bs${s.batchSize}`,
    `lr${s.learningRate}`,
    `e${s.numEpochs}`,
    `seed${s.seed}`,
    ...extras,
    hash,
  ].join("_");
}

function paletteKey(p: Palette): number[] {
  return Array.from(p.colours, (v) => Math.round(v * 1e6) / 1e6);
}

/**
 * A fresh, untrained model of the spec's kind for the data's image size.
 * @see notebooks/04_skip_connections.ipynb
 */
export function buildModel(
  spec: ExperimentSpec,
  size: { height: number; width: number; numColours: number },
): tf.LayersModel {
  const opts = {
    numFilters: spec.numFilters ?? DEFAULTS.numFilters,
    numColours: size.numColours,
    kernelSize: spec.kernelSize ?? DEFAULTS.kernelSize,
    height: size.height,
    width: size.width,
    seed: spec.seed,
  };
  if (spec.model === "cnn") return buildCnn(opts);
  return buildUNet({ ...opts, skipInput: spec.model === "unet" });
}

interface RunRecord {
  runId: string;
  spec: ExperimentSpec;
  trainSeconds: number;
  finished: string;
  codeHash: string;
  data: string;
  palette: string;
  backend: string;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof SyntaxError) {
      return undefined;
    }
    throw e;
  }
}

function runDir(id: string, cacheDir?: string): string {
  return `${cacheDir ?? `${projectDataDir()}/runs`}/${id}`;
}

async function completeRun(
  spec: ExperimentSpec,
  dir: string,
): Promise<{ record?: RunRecord; history?: EpochRecord[] }> {
  const record = await readJson<RunRecord>(`${dir}/run.json`);
  const history = await readJson<EpochRecord[]>(`${dir}/history.json`);
  return record && history?.length === spec.numEpochs
    ? { record, history }
    : {};
}

/** Reads a run's final weights into `model`; false when the checkpoint is missing or unreadable. */
async function loadWeights(
  model: tf.LayersModel,
  dir: string,
): Promise<boolean> {
  try {
    const ckpt = await readCheckpoint(`${dir}/${CHECKPOINT_FILE}`);
    setModelWeights(model, ckpt.weights, dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a complete run of `spec` is in the cache (so {@link trainOrLoad}
 * would read it rather than train).
 * @see notebooks/04_skip_connections.ipynb
 */
export async function isCached(
  spec: ExperimentSpec,
  opts: ExperimentData & { cacheDir?: string },
): Promise<boolean> {
  const dir = runDir(await runId(spec, opts), opts.cacheDir);
  return (await completeRun(spec, dir)).record !== undefined;
}

/**
 * Returns the trained model and history of `spec`: read from
 * `cacheDir/<runId>/` when a complete run is there, else trained now (an
 * interrupted run resumes from its last checkpoint) and cached.
 * @see notebooks/04_skip_connections.ipynb
 */
export async function trainOrLoad(
  spec: ExperimentSpec,
  opts: TrainOrLoadOptions,
): Promise<RunResult> {
  const t0 = performance.now();
  const id = await runId(spec, opts);
  const dir = runDir(id, opts.cacheDir);
  const td = trainData(opts, spec);
  const model = buildModel(spec, td);
  const { record, history } = await completeRun(spec, dir);
  if (!opts.retrain && record && history && (await loadWeights(model, dir))) {
    return {
      runId: id,
      dir,
      spec,
      model,
      history,
      cached: true,
      seconds: (performance.now() - t0) / 1000,
      trainSeconds: record.trainSeconds,
    };
  }
  // retrain, or a cached run whose weights could not be read: start afresh
  if (opts.retrain || record) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  await Deno.mkdir(dir, { recursive: true });
  // the palette and data hash travel with the weights (colourize reads them)
  const config = {
    runId: id,
    ...resolveSpec(spec),
    dataSha256: opts.data.source.sha256,
    paletteColours: Array.from(opts.palette.colours),
  };
  const trained = await trainModel(model, td, {
    numEpochs: spec.numEpochs,
    batchSize: spec.batchSize,
    learningRate: spec.learningRate,
    seed: spec.seed,
    onBatchEnd: opts.onBatchEnd,
    onEpochEnd: opts.onEpochEnd,
    checkpoint: { dir, config },
    resume: !opts.retrain,
  });
  const trainSeconds = trained.reduce((s, e) => s + e.seconds, 0);
  const done: RunRecord = {
    runId: id,
    spec,
    trainSeconds,
    finished: new Date().toISOString(),
    codeHash: await codeHash(),
    data: opts.data.source.description,
    palette: opts.palette.description,
    backend: tf.getBackend(),
  };
  const json = (v: unknown) => JSON.stringify(v, null, 1) + "\n";
  await writeFileAtomic(`${dir}/config.json`, json(config));
  await writeFileAtomic(`${dir}/history.json`, json(trained));
  // run.json last: its presence marks the run complete
  await writeFileAtomic(`${dir}/run.json`, json(done));
  return {
    runId: id,
    dir,
    spec,
    model,
    history: trained,
    cached: false,
    seconds: (performance.now() - t0) / 1000,
    trainSeconds,
  };
}
