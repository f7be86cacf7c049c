/**
 * `deno task train`: trains the handout's CNN or UNet from the command line.
 * Run through lib/cli/launch.ts, which grants this process only the
 * permissions its arguments need.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendInfo, describeBackend, initTf } from "../backend.ts";
import { DEFAULTS } from "../config.ts";
import { greyImages, limitImageSet } from "../data/batches.ts";
import { loadCategoryData } from "../data/cifar.ts";
import {
  loadOrComputePalette,
  nearestColourLabels,
  readPaletteFile,
} from "../data/palette.ts";
import type { CategoryData, Palette } from "../data/types.ts";
import { writeFileAtomic } from "../io/file_handler.ts";
import { buildCnn } from "../models/cnn.ts";
import { buildUNet } from "../models/unet.ts";
import { CHECKPOINT_FILE, readCheckpoint } from "../train/checkpoint.ts";
import { predictLabels } from "../train/evaluate.ts";
import { trainModel } from "../train/fit.ts";
import {
  formatDuration,
  progressReporter,
  type ProgressSink,
} from "../train/progress.ts";
import type { EpochRecord } from "../train/types.ts";
import { CACHE_DIR } from "./cache_dir.ts";
import { sampleSheetPng } from "./samples.ts";
import {
  parseTrainArgs,
  type TrainArgs,
  USAGE,
  UsageError,
} from "./train_args.ts";

/** Validation images drawn in samples.png. */
export const SAMPLE_COUNT = 10;

/** Where the CLI writes text. */
export interface CliIo {
  /** Progress and results. */
  out: ProgressSink;
  /** Errors. */
  err: (text: string) => void;
}

/** What run.json records. */
export interface RunInfo {
  command: string[];
  config: Record<string, unknown>;
  backend: BackendInfo;
  data: CategoryData["source"] & {
    category: number;
    categoryName: string;
    trainImages: number;
    valImages: number;
  };
  palette: { description: string; numColours: number; file?: string };
  versions: Record<string, string>;
  modelParams: number;
  startedAt: string;
  finishedAt: string;
  /** Wall time of this invocation. */
  wallSeconds: number;
  /** Epochs that came from a checkpoint (0 for a fresh run). */
  resumedFromEpoch: number;
  final?: EpochRecord;
}

/**
 * Runs the whole CLI; returns the process exit code (0 ok, 1 failure,
 * 2 bad command line).
 */
export async function runTrainCli(argv: string[], io: CliIo): Promise<number> {
  let args: TrainArgs;
  try {
    args = parseTrainArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(e.message ? `error: ${e.message}\n\n${USAGE}` : USAGE);
    return e.message ? 2 : 0;
  }
  try {
    await train(args, argv, io);
    return 0;
  } catch (e) {
    const err = e as Error;
    const known = [
      "UsageError",
      "DataError",
      "DownloadError",
      "NonFiniteLossError",
      "RangeError",
      "PermissionDenied",
      "NotCapable",
    ];
    io.err(
      `error: ${
        known.includes(err.name) ? err.message : err.stack ?? err.message
      }\n`,
    );
    return 1;
  }
}

async function train(
  args: TrainArgs,
  argv: string[],
  io: CliIo,
): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const say = (line: string) => io.out.write(`${line}\n`);
  const reporter = progressReporter(io.out);
  const ckptPath = `${args.out}/${CHECKPOINT_FILE}`;
  if (!args.resume && (await exists(ckptPath))) {
    throw new UsageError(
      `${args.out} already holds a checkpoint: pass --resume to continue it, or choose another --out`,
    );
  }
  await Deno.mkdir(args.out, { recursive: true });

  const backend = await initTf();
  say(`backend: ${describeBackend(backend)}`);
  const full = await loadCategoryData({
    data: args.data,
    cacheDir: CACHE_DIR,
    onProgress: reporter.onDownload,
  });
  say(`data: ${full.source.description}`);
  if (full.source.synthetic) {
    say("NOTE: SYNTHETIC DATA - these results say nothing about CIFAR-10");
  }
  const palette = await choosePalette(args, full);
  say(`palette: ${palette.description}`);
  const trainSet = limitImageSet(full.train, args.limitTrain);
  const valSet = limitImageSet(full.val, args.limitVal);
  const { height, width } = trainSet;
  const data = {
    trainX: greyImages(trainSet),
    trainY: nearestColourLabels(trainSet.images, palette),
    valX: greyImages(valSet),
    valY: nearestColourLabels(valSet.images, palette),
    height,
    width,
    numColours: palette.numColours,
  };
  const modelOpts = {
    numFilters: args.numFilters,
    numColours: palette.numColours,
    kernelSize: args.kernelSize,
    height,
    width,
    seed: args.seed,
  };
  const model = args.model === "cnn"
    ? buildCnn(modelOpts)
    : buildUNet(modelOpts);
  say(
    `model: ${args.model}, ${model.countParams()} parameters; ${trainSet.count} training and ` +
      `${valSet.count} validation images; ${args.numEpochs} epochs, batch ${args.batchSize}, lr ${args.learningRate}`,
  );
  const config = {
    model: args.model,
    ...modelOpts,
    dataSha256: full.source.sha256,
    category: full.category,
    paletteColours: Array.from(palette.colours),
    limitTrain: args.limitTrain ?? null,
    limitVal: args.limitVal ?? null,
  };
  const resumedFromEpoch = args.resume && (await exists(ckptPath))
    ? (await readCheckpoint(ckptPath)).epoch
    : 0;
  if (resumedFromEpoch > 0) {
    say(`resuming after epoch ${resumedFromEpoch} from ${ckptPath}`);
  }
  const history = await trainModel(model, data, {
    numEpochs: args.numEpochs,
    batchSize: args.batchSize,
    learningRate: args.learningRate,
    seed: args.seed,
    resume: args.resume,
    checkpoint: { dir: args.out, config },
    onBatchEnd: reporter.onBatchEnd,
    onEpochEnd: async (record, all) => {
      reporter.onEpochEnd(record);
      await writeFileAtomic(
        `${args.out}/history.json`,
        JSON.stringify(all, null, 2) + "\n",
      );
    },
  });
  reporter.finish();
  await writeFileAtomic(
    `${args.out}/history.json`,
    JSON.stringify(history, null, 2) + "\n",
  );

  const count = Math.min(SAMPLE_COUNT, valSet.count);
  const grey = data.valX.subarray(0, count * height * width);
  const predicted = await predictLabels(model, grey, { count, height, width });
  const png = await sampleSheetPng({
    images: valSet,
    grey,
    predicted,
    truth: data.valY,
    palette,
    count,
  });
  await writeFileAtomic(`${args.out}/samples.png`, png);

  const info: RunInfo = {
    command: ["deno", "task", "train", ...argv],
    config: {
      ...config,
      numEpochs: args.numEpochs,
      batchSize: args.batchSize,
      learningRate: args.learningRate,
    },
    backend,
    data: {
      ...full.source,
      category: full.category,
      categoryName: full.categoryName,
      trainImages: trainSet.count,
      valImages: valSet.count,
    },
    palette: {
      description: palette.description,
      numColours: palette.numColours,
      file: args.palette,
    },
    versions: {
      ...tf.version,
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
    },
    modelParams: model.countParams(),
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    wallSeconds: (performance.now() - t0) / 1000,
    resumedFromEpoch,
    final: history.at(-1),
  };
  await writeFileAtomic(
    `${args.out}/run.json`,
    JSON.stringify(info, null, 2) + "\n",
  );
  model.dispose();
  const last = history.at(-1);
  if (last) {
    say(
      `done in ${formatDuration(info.wallSeconds)}: val loss ${
        last.valLoss.toFixed(4)
      }, ` +
        `val accuracy ${
          (100 * last.valAccuracy).toFixed(1)
        }%; wrote ${args.out}/{history.json,run.json,samples.png,${CHECKPOINT_FILE}}`,
    );
  }
}

async function choosePalette(
  args: TrainArgs,
  data: CategoryData,
): Promise<Palette> {
  if (args.palette) return await readPaletteFile(args.palette);
  return await loadOrComputePalette(data, {
    numColours: DEFAULTS.numColours,
    seed: args.seed,
    cacheDir: CACHE_DIR,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const code = await runTrainCli(Deno.args, {
    out: {
      write: (text) => Deno.stdout.writeSync(encoder.encode(text)),
      isTerminal: Deno.stdout.isTerminal(),
      columns: Deno.stdout.isTerminal()
        ? Deno.consoleSize().columns
        : undefined,
    },
    err: (text) => Deno.stderr.writeSync(encoder.encode(text)),
  });
  Deno.exit(code);
}
