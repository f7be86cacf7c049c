/**
 * `deno task colourize IMAGE... [--model unet|cnn] [--run DIR] --out DIR`:
 * colourizes the user's own photos with a trained model (lib/colourize.ts),
 * writing `DIR/<stem>_colourized.png` and `DIR/<stem>_comparison.png`.
 *
 * The model comes from `--run DIR` (a `deno task train --out` folder or a run
 * cache folder `data/runs/<runId>`), else from the most recent complete run
 * of the chosen model type in the run cache (lib/experiments/run_cache.ts).
 *
 * Started as `colourize.ts --launch ARGS` (the deno task), it only works out
 * the narrowest permissions for ARGS and runs itself again with exactly those
 * (as lib/cli/launch.ts does for `train`): read the project, the images and
 * the run; write only --out; FFI only for sharp; no network.
 *
 * The parts live in their own modules (arguments, run loading, finding the
 * latest run, permissions); this one runs the CLI and re-exports them, so
 * that `lib/cli/colourize.ts` stays the one entry point and import path.
 *
 * @module
 */
import {
  COLOURIZE_USAGE,
  type ColourizeArgs,
  imageStem,
  parseColourizeArgs,
} from "./colourize_args.ts";
import { workerModules } from "./colourize_modules.ts";
import { colourizeCommand } from "./colourize_permissions.ts";
import { CACHE_DIR } from "./cache_dir.ts";
import { latestRun, noModelMessage } from "./latest_run.ts";
import { PROJECT_ROOT } from "./launch.ts";
import {
  describeTrainedRun,
  loadTrainedRun,
  type TrainedRun,
} from "./trained_run.ts";
import { UsageError } from "./train_args.ts";

export {
  COLOURIZE_USAGE,
  type ColourizeArgs,
  imageStem,
  parseColourizeArgs,
} from "./colourize_args.ts";
export {
  colourizeCommand,
  colourizePermissions,
} from "./colourize_permissions.ts";
export { latestRun, noModelMessage } from "./latest_run.ts";
export {
  describeTrainedRun,
  loadTrainedRun,
  type TrainedRun,
} from "./trained_run.ts";

/** Where the CLI writes text. */
export interface ColourizeIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * Runs the CLI; returns the exit code (0 ok, 1 a failure, e.g. no model or
 * an unreadable image, 2 bad command line).
 */
export async function runColourizeCli(
  argv: string[],
  io: ColourizeIo,
): Promise<number> {
  let args: ColourizeArgs;
  try {
    args = parseColourizeArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(
      e.message ? `error: ${e.message}\n\n${COLOURIZE_USAGE}` : COLOURIZE_USAGE,
    );
    return e.message ? 2 : 0;
  }
  const say = (line: string) => io.out(`${line}\n`);
  const kind = args.model ?? "unet";
  const runsDir = args.runs ?? `${PROJECT_ROOT}/${CACHE_DIR}/runs`;
  const runDir = args.run ?? (await latestRun(runsDir, kind));
  if (runDir === undefined) {
    io.err(`error: ${noModelMessage(kind, runsDir)}`);
    return 1;
  }
  const m = await workerModules();
  let run: TrainedRun;
  try {
    say(`backend: ${m.describeBackend(await m.initTf())}`);
    run = await loadTrainedRun(runDir);
  } catch (e) {
    io.err(`error: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    if (args.run && args.model && args.model !== run.kind) {
      io.err(
        `error: --model ${args.model} but ${args.run} holds a ${run.kind} model\n`,
      );
      return 2;
    }
    say(`model: ${describeTrainedRun(run)}`);
    say(
      `palette: ${run.palette.numColours} colours, ${run.palette.description}`,
    );
    if (run.synthetic) {
      say(
        "NOTE: this model was trained on SYNTHETIC data: expect colours that mean little on photos",
      );
    }
    await Deno.mkdir(args.out, { recursive: true });
    let failed = 0;
    for (const image of args.images) {
      try {
        const bytes = await readImage(image);
        const c = await m.colourizeImage(run.model, run.palette, bytes, {
          mode: args.mode,
          source: image,
        });
        const stem = `${args.out}/${imageStem(image)}`;
        await m.writeFileAtomic(`${stem}_colourized.png`, c.png);
        await m.writeFileAtomic(
          `${stem}_comparison.png`,
          await m.comparisonPng(c),
        );
        say(
          `${image} (${c.original.width}x${c.original.height}) -> ${stem}_colourized.png, ${stem}_comparison.png`,
        );
      } catch (e) {
        failed++;
        io.err(`error: ${(e as Error).message}\n`);
      }
    }
    if (failed > 0) {
      io.err(`${failed} of ${args.images.length} images failed\n`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    run.model.dispose();
  }
}

async function readImage(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`${path}: no such file`);
    }
    if (e instanceof Deno.errors.IsADirectory) {
      throw new Error(`${path}: is a folder, not an image`);
    }
    throw new Error(`${path}: cannot read: ${(e as Error).message}`);
  }
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const io: ColourizeIo = {
    out: (text) => Deno.stdout.writeSync(encoder.encode(text)),
    err: (text) => Deno.stderr.writeSync(encoder.encode(text)),
  };
  if (Deno.args[0] === "--launch") {
    const argv = Deno.args.slice(1);
    let command: string[];
    try {
      command = await colourizeCommand(argv);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.err(
        e.message
          ? `error: ${e.message}\n\n${COLOURIZE_USAGE}`
          : COLOURIZE_USAGE,
      );
      Deno.exit(e.message ? 2 : 0);
    }
    const child = new Deno.Command(Deno.execPath(), {
      args: command,
      cwd: PROJECT_ROOT,
    }).spawn();
    Deno.exit((await child.status).code);
  }
  Deno.exit(await runColourizeCli(Deno.args, io));
}
