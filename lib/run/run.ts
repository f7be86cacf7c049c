/**
 * One way to train and cache a run, for every entry point (`deno task
 * train`, the notebooks, `train:all`, Part C): configuration -> data ->
 * palette -> model -> the one trainer (lib/train/fit.ts) -> one run folder
 * (lib/run/run_json.ts). A complete, current run is read back instead of
 * trained; an interrupted one resumes from its last checkpoint; a stale one
 * (other code or packages, lib/run/key.ts) retrains in place, saying why.
 * Two processes asking for the same run train it once (lib/run/lock.ts).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { backendInUse } from "../backend.ts";
import { colourTrainData, segmentationTrainData } from "../data/train_data.ts";
import type { CategoryData, DataSource, Palette } from "../data/types.ts";
import type { SegmentationData } from "../data/weizmann.ts";
import { writeFileAtomic } from "../io/file_handler.ts";
import { projectDataDir } from "../io/data_dir.ts";
import { buildModel } from "../models/build.ts";
import { featureModel, HEAD_NAME, headVariables } from "../models/deeplab.ts";
import { readCheckpoint } from "../train/checkpoint.ts";
import { predictAll } from "../train/evaluate.ts";
import {
  type TrainedPart,
  trainModel,
  type TrainOptions,
} from "../train/fit.ts";
import { balancedClassWeights } from "../train/loss.ts";
import type { EpochRecord, TrainData } from "../train/types.ts";
import {
  type ColourizationConfig,
  resolveConfig,
  type RunConfig,
  type RunInput,
  runName,
} from "./config.ts";
import { freshness, runKey, staleReason } from "./key.ts";
import { loadRun, type Run } from "./load.ts";
import { acquireRunLock, LOCK_FILE } from "./lock.ts";
import {
  type DataFacts,
  readRunJson,
  RUN_FILES,
  RUN_FORMAT,
  type RunJson,
  type RunKey,
} from "./run_json.ts";
import { runSamplesPng } from "./samples.ts";

/** The loaded data a run trains on. */
export interface RunSources {
  /** A CIFAR-10 category and its palette: colourization runs and pre-trained bodies. */
  colour?: { data: CategoryData; palette: Palette };
  /** Photos and masks at the run's size: segmentation runs. */
  segmentation?: SegmentationData;
}

/** Options of {@link trainOrLoad}. */
export interface TrainOrLoadOptions {
  /** The run folder (default: `<cacheDir>/runs/<runId>`). */
  dir?: string;
  /** The cache root (default: the project's data/ folder). */
  cacheDir?: string;
  /** Train again even when a complete, current run is there. */
  retrain?: boolean;
  onBatchEnd?: TrainOptions["onBatchEnd"];
  onEpochEnd?: TrainOptions["onEpochEnd"];
  /** Stops training between two batches; the last complete epoch's checkpoint stays. */
  signal?: AbortSignal;
  /** Lines for people: why a run retrains or resumes, who holds its lock. */
  onLine?: (line: string) => void;
  /** Recorded in run.json by the CLIs. */
  command?: string[];
}

/** A run's id and folder before anything is trained or read. */
export interface PlannedRun {
  config: RunConfig;
  runId: string;
  dir: string;
  key: RunKey;
  /** The pre-trained body's plan, for a segmentation run that has one. */
  body?: PlannedRun;
}

/** Works out a run's configuration, key, id and folder. */
export async function planRun(
  input: RunInput,
  sources: RunSources,
  opts: { dir?: string; cacheDir?: string } = {},
): Promise<PlannedRun> {
  const config = resolveConfig(input);
  let body: PlannedRun | undefined;
  let dataSha256: string;
  let palette: number[] | null = null;
  if (config.task === "segmentation") {
    dataSha256 = need(sources.segmentation, "segmentation data").source.sha256;
    if (config.body !== "random") {
      body = await planRun(config.body, sources, { cacheDir: opts.cacheDir });
    }
  } else {
    const colour = need(sources.colour, "CIFAR-10 data and a palette");
    dataSha256 = colour.data.source.sha256;
    palette = Array.from(colour.palette.colours);
  }
  const key = await runKey({
    config,
    dataSha256,
    palette,
    body: body?.key.identity ?? null,
  });
  const runId = `${runName(config)}_${key.identity.slice(0, 8)}`;
  const dir = opts.dir ??
    `${opts.cacheDir ?? projectDataDir()}/runs/${runId}`;
  return { config, runId, dir, key, body };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this run needs ${what}`);
  return value;
}

/** Whether a complete, current run of `plan` is in its folder. */
export async function isCurrent(plan: PlannedRun): Promise<boolean> {
  try {
    const json = await readRunJson(plan.dir);
    return json !== undefined && staleReason(json.key, plan.key) === undefined;
  } catch {
    return false;
  }
}

/**
 * The trained run of `input`: read from its folder when complete and
 * current, else trained now (resuming its checkpoint when that was made by
 * the same code) and written there.
 */
export async function trainOrLoad(
  input: RunInput,
  sources: RunSources,
  opts: TrainOrLoadOptions = {},
): Promise<Run> {
  const t0 = performance.now();
  const plan = await planRun(input, sources, opts);
  const say = opts.onLine ?? (() => {});
  const current = async () =>
    !opts.retrain && (await isCurrent(plan))
      ? await loadRun(plan.dir)
      : undefined;
  const cached = await current().catch(() => undefined);
  if (cached) return { ...cached, cached: true, seconds: seconds(t0) };
  const lock = await acquireRunLock(plan.dir, {
    signal: opts.signal,
    onWait: (h) =>
      say(
        `waiting for ${plan.runId}: ${
          h
            ? `process ${h.pid} has been training it since ${h.since}`
            : "another process is training it"
        }`,
      ),
  });
  try {
    // another process may have finished it while this one waited
    const done = await current().catch(() => undefined);
    if (done) return { ...done, cached: true, seconds: seconds(t0) };
    return await train(plan, sources, opts, t0);
  } finally {
    lock.release();
  }
}

function seconds(t0: number): number {
  return (performance.now() - t0) / 1000;
}

async function train(
  plan: PlannedRun,
  sources: RunSources,
  opts: TrainOrLoadOptions,
  t0: number,
): Promise<Run> {
  const say = opts.onLine ?? (() => {});
  const { config, dir } = plan;
  const startedAt = new Date().toISOString();
  const fresh = freshness(plan.key);
  const resumeFrom = await resumableEpoch(plan, fresh, opts.retrain, say);
  if (resumeFrom === 0) await clearFolder(dir);

  const body = plan.body
    ? await trainOrLoad(plan.body.config, sources, {
      cacheDir: opts.cacheDir,
      onLine: opts.onLine,
      signal: opts.signal,
    })
    : undefined;
  const prepared = prepare(config, sources);
  const model = buildModel(config, {
    height: prepared.data.height,
    width: prepared.data.width,
    numClasses: prepared.data.numColours,
  }, body?.model);
  body?.model.dispose();
  try {
    const { data, part } = await trainedPart(config, model, prepared.data);
    const history = await trainModel(model, data, {
      numEpochs: config.numEpochs,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      seed: config.seed,
      shuffle: config.shuffle,
      classWeights: config.task === "segmentation" && config.balanced
        ? balancedClassWeights(prepared.data.trainY, 2)
        : undefined,
      part,
      onBatchEnd: opts.onBatchEnd,
      onEpochEnd: async (record, all) => {
        await writeJson(`${dir}/${RUN_FILES.history}`, all);
        await opts.onEpochEnd?.(record, all);
      },
      checkpoint: { dir, config: { runId: plan.runId, freshness: fresh } },
      resume: resumeFrom > 0,
      signal: opts.signal,
    });
    await writeJson(`${dir}/${RUN_FILES.history}`, history);
    await writeFileAtomic(
      `${dir}/${RUN_FILES.samples}`,
      await runSamplesPng(config, model, prepared),
    );
    const backend = await backendInUse();
    const json: RunJson = {
      format: RUN_FORMAT,
      runId: plan.runId,
      config,
      data: prepared.facts,
      palette: prepared.palette
        ? {
          description: prepared.palette.description,
          colours: Array.from(prepared.palette.colours),
        }
        : null,
      body: body ? { runId: body.runId, dir: body.dir } : null,
      key: plan.key,
      backend,
      versions: {
        deno: Deno.version.deno,
        v8: Deno.version.v8,
        typescript: Deno.version.typescript,
        ...plan.key.packages,
      },
      timings: {
        startedAt,
        finishedAt: new Date().toISOString(),
        trainSeconds: history.reduce((s, e) => s + e.seconds, 0),
        wallSeconds: seconds(t0),
        resumedFromEpoch: resumeFrom,
      },
      final: history.at(-1) as EpochRecord,
      ...(opts.command ? { command: opts.command } : {}),
    };
    // run.json last: its presence marks the run complete
    await writeJson(`${dir}/${RUN_FILES.run}`, json);
    return {
      runId: plan.runId,
      dir,
      config,
      json,
      model,
      history,
      palette: prepared.palette,
      cached: false,
      seconds: seconds(t0),
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * The epoch to resume after (0: start afresh), saying why a folder's
 * contents are not reused.
 */
async function resumableEpoch(
  plan: PlannedRun,
  fresh: string,
  retrain: boolean | undefined,
  say: (line: string) => void,
): Promise<number> {
  let stored: RunJson | undefined;
  try {
    stored = await readRunJson(plan.dir);
  } catch (e) {
    say(`retraining ${plan.runId}: ${(e as Error).message}`);
    return 0;
  }
  if (stored) {
    const why = retrain ? "asked to" : staleReason(stored.key, plan.key);
    say(`retraining ${plan.runId}: ${why ?? "its weights could not be read"}`);
    return 0;
  }
  let ckpt;
  try {
    ckpt = await readCheckpoint(`${plan.dir}/${RUN_FILES.checkpoint}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    say(`training ${plan.runId} afresh: ${(e as Error).message}`);
    return 0;
  }
  if (retrain) return 0;
  if (ckpt.config.freshness !== fresh) {
    say(
      `training ${plan.runId} afresh: its checkpoint was made by other code or packages`,
    );
    return 0;
  }
  say(`resuming ${plan.runId} after epoch ${ckpt.epoch}`);
  return ckpt.epoch;
}

/** Removes a run folder's files, keeping its lock file (held by this process). */
async function clearFolder(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for await (const e of Deno.readDir(dir)) {
    if (e.name === LOCK_FILE) continue;
    await Deno.remove(`${dir}/${e.name}`, { recursive: true });
  }
}

/** The trainer's data, the palette and the facts run.json records. */
export interface Prepared {
  data: TrainData;
  palette: Palette | null;
  facts: DataFacts;
  /** Segmentation: the photos (samples.png draws them). */
  segmentation?: SegmentationData;
  /** Colourization: the category's images (samples.png draws them). */
  colour?: CategoryData;
}

function prepare(config: RunConfig, sources: RunSources): Prepared {
  if (config.task === "segmentation") {
    const seg = need(sources.segmentation, "segmentation data");
    if (seg.train.size !== config.size) {
      throw new Error(
        `the segmentation data is ${seg.train.size}x${seg.train.size}, the run wants size ${config.size}`,
      );
    }
    const data = segmentationTrainData(seg);
    return {
      data,
      palette: null,
      facts: {
        ...sourceFacts(seg.source),
        trainImages: seg.train.count,
        valImages: seg.test.count,
        size: config.size,
      },
      segmentation: seg,
    };
  }
  const colour = need(sources.colour, "CIFAR-10 data and a palette");
  const data = colourTrainData(colour.data, colour.palette, config);
  const pixels = data.height * data.width;
  return {
    data,
    palette: colour.palette,
    facts: {
      ...sourceFacts(colour.data.source),
      trainImages: data.trainY.length / pixels,
      valImages: data.valY.length / pixels,
      category: colour.data.category,
      categoryName: colour.data.categoryName,
    },
    colour: colour.data,
  };
}

function sourceFacts(
  s: DataSource,
): Omit<DataFacts, "trainImages" | "valImages"> {
  return {
    description: s.description,
    kind: s.kind,
    ...(s.path ? { path: s.path } : {}),
    ...(s.url ? { url: s.url } : {}),
    sha256: s.sha256,
    synthetic: s.synthetic,
  };
}

/**
 * Fine-tuning the last layer trains the new head on features of the frozen
 * body, computed once here in inference mode (its BatchNorm statistics stay
 * as they were); everything else trains the whole model.
 */
async function trainedPart(
  config: RunConfig,
  model: tf.LayersModel,
  data: TrainData,
): Promise<{ data: TrainData; part?: TrainedPart }> {
  if (config.task !== "segmentation" || config.train !== "head") {
    return { data };
  }
  const body = featureModel(model); // shares the layers, owns nothing
  const shape = { height: data.height, width: data.width };
  const count = (y: Uint8Array) => y.length / (shape.height * shape.width);
  const train = await predictAll(body, data.trainX, {
    ...shape,
    count: count(data.trainY),
  });
  const val = await predictAll(body, data.valX, {
    ...shape,
    count: count(data.valY),
  });
  const head = model.getLayer(HEAD_NAME);
  return {
    data: { ...data, trainX: train, valX: val },
    part: {
      variables: headVariables(model),
      forward: (xs) => head.apply(xs) as tf.Tensor,
    },
  };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 1) + "\n");
}

export type { ColourizationConfig, Run };
