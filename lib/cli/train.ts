/**
 * `deno task train`: trains the handout's CNN or UNet from the command line
 * into a run folder (lib/run/run_json.ts), through the same run function as
 * the notebooks (lib/run/run.ts). Run through lib/cli/launch.ts, which grants
 * this process only the permissions its arguments need.
 *
 * @module
 */
import { describeBackend, initTf } from "../backend.ts";
import { DEFAULTS } from "../config.ts";
import { loadCategoryData } from "../data/cifar.ts";
import { loadOrComputePalette, readPaletteFile } from "../data/palette.ts";
import type { CategoryData, Palette } from "../data/types.ts";
import { trainOrLoad } from "../run/run.ts";
import { RUN_FILES } from "../run/run_json.ts";
import {
  formatDuration,
  progressReporter,
  type ProgressSink,
} from "../train/progress.ts";
import { CACHE_DIR } from "./cache_dir.ts";
import { watchParent } from "./parent_watch.ts";
import {
  parseTrainArgs,
  type TrainArgs,
  USAGE,
  UsageError,
} from "./train_args.ts";

/** Where the CLI writes text. */
export interface CliIo {
  /** Progress and results. */
  out: ProgressSink;
  /** Errors. */
  err: (text: string) => void;
}

/** Errors that are the user's to fix: one line, no stack trace. */
const USER_ERRORS = [
  "UsageError",
  "DataError",
  "DownloadError",
  "NonFiniteLossError",
  "ConfigError",
  "RangeError",
  "PermissionDenied",
  "NotCapable",
];

/**
 * Runs the whole CLI; returns the process exit code (0 ok, 1 failure,
 * 2 bad command line, 130 stopped by Ctrl-C).
 */
export async function runTrainCli(
  argv: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  let args: TrainArgs;
  try {
    args = parseTrainArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(e.message ? `error: ${e.message}\n\n${USAGE}` : USAGE);
    return e.message ? 2 : 0;
  }
  try {
    await train(args, argv, io, signal);
    return 0;
  } catch (e) {
    const err = e as Error;
    if (signal?.aborted) {
      io.err(
        `stopped: the checkpoint of the last complete epoch is in ${args.out}; ` +
          `continue with the same command and --resume\n`,
      );
      return 130;
    }
    io.err(
      `error: ${
        USER_ERRORS.includes(err.name) ? err.message : err.stack ?? err.message
      }\n`,
    );
    return err.name === "UsageError" ? 2 : 1;
  }
}

async function train(
  args: TrainArgs,
  argv: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<void> {
  const t0 = performance.now();
  const say = (line: string) => io.out.write(`${line}\n`);
  await prepareOut(args);
  const reporter = progressReporter(io.out);
  const backend = await initTf();
  say(`backend: ${describeBackend(backend)}`);
  const data = await loadCategoryData({
    data: args.data,
    cacheDir: CACHE_DIR,
    onProgress: reporter.onDownload,
  });
  say(`data: ${data.source.description}`);
  if (data.source.synthetic) {
    say("NOTE: SYNTHETIC DATA - these results say nothing about CIFAR-10");
  }
  const palette = await choosePalette(args, data);
  say(`palette: ${palette.description}`);
  say(
    `model: ${args.model}; ${args.numEpochs} epochs, batch ${args.batchSize}, lr ${args.learningRate}, seed ${args.seed}`,
  );
  const run = await trainOrLoad(
    {
      model: args.model,
      numEpochs: args.numEpochs,
      batchSize: args.batchSize,
      learningRate: args.learningRate,
      seed: args.seed,
      numFilters: args.numFilters,
      kernelSize: args.kernelSize,
      limitTrain: args.limitTrain,
      limitVal: args.limitVal,
    },
    { colour: { data, palette } },
    {
      dir: args.out,
      onLine: say,
      onBatchEnd: reporter.onBatchEnd,
      onEpochEnd: (record) => reporter.onEpochEnd(record),
      signal,
      command: ["deno", "task", "train", ...argv],
    },
  );
  reporter.finish();
  run.model.dispose();
  const last = run.history.at(-1);
  if (run.cached) {
    say(`${args.out} already holds this run, complete: nothing to train`);
  }
  if (last) {
    const files = Object.values(RUN_FILES).join(",");
    say(
      `done in ${formatDuration((performance.now() - t0) / 1000)}: val loss ${
        last.valLoss.toFixed(4)
      }, val accuracy ${
        (100 * last.valAccuracy).toFixed(1)
      }%; wrote ${args.out}/{${files}}`,
    );
  }
}

/**
 * Checks --out before anything is loaded: a folder (created if missing) that
 * can be written, holding no checkpoint unless --resume.
 */
async function prepareOut(args: TrainArgs): Promise<void> {
  let info: Deno.FileInfo | undefined;
  try {
    info = await Deno.stat(args.out);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new UsageError(
        `--out ${args.out} is not a writable folder (${reason(e)})`,
      );
    }
  }
  if (info && !info.isDirectory) {
    throw new UsageError(`--out ${args.out} is a file, not a folder`);
  }
  try {
    await Deno.mkdir(args.out, { recursive: true });
    const probe = `${args.out}/.write-test-${Deno.pid}`;
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (e) {
    throw new UsageError(
      `--out ${args.out} is not a writable folder (${reason(e)})`,
    );
  }
  if (!args.resume) {
    try {
      await Deno.stat(`${args.out}/${RUN_FILES.checkpoint}`);
      throw new UsageError(
        `${args.out} already holds a run: pass --resume to continue it, or choose another --out`,
      );
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

function reason(e: unknown): string {
  return e instanceof Deno.errors.PermissionDenied ||
      e instanceof Deno.errors.NotCapable
    ? "permission denied"
    : (e as Error).message;
}

async function choosePalette(
  args: TrainArgs,
  data: CategoryData,
): Promise<Palette> {
  if (args.palette) return await readPaletteFile(args.palette);
  return await loadOrComputePalette(data, {
    numColours: DEFAULTS.numColours,
    seed: DEFAULTS.seed,
    cacheDir: CACHE_DIR,
  });
}

if (import.meta.main) {
  watchParent();
  const encoder = new TextEncoder();
  const stop = new AbortController();
  Deno.addSignalListener("SIGINT", () => stop.abort());
  const code = await runTrainCli(Deno.args, {
    out: {
      write: (text) => Deno.stdout.writeSync(encoder.encode(text)),
      isTerminal: Deno.stdout.isTerminal(),
      columns: Deno.stdout.isTerminal()
        ? Deno.consoleSize().columns
        : undefined,
    },
    err: (text) => Deno.stderr.writeSync(encoder.encode(text)),
  }, stop.signal);
  Deno.exit(code);
}
