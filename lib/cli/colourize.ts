/**
 * `deno task colourize IMAGE... [--model unet|cnn] [--run DIR] --out DIR`:
 * colourizes the user's own photos with a trained model (lib/colourize.ts),
 * writing `DIR/<stem>_colourized.png` and `DIR/<stem>_comparison.png`.
 *
 * The model comes from `--run DIR` (any run folder: `deno task train --out`,
 * a notebook's or `train:all`'s `data/runs/<runId>`), else from the handout's
 * run of the chosen model in the run cache (lib/run/find.ts), and the CLI
 * says which run it took.
 *
 * Started as `colourize.ts --launch ARGS` (the deno task), it only works out
 * the narrowest permissions for ARGS and runs itself again with exactly those
 * (as lib/cli/launch.ts does for `train`): read the project, the images and
 * the run; write only --out; FFI only for sharp; no network.
 *
 * The parts live in their own modules (arguments, permissions; runs are
 * found and loaded by lib/run/); this one runs the CLI and re-exports them,
 * so that `lib/cli/colourize.ts` stays the one entry point and import path.
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
import { PROJECT_ROOT, runChild } from "./launch.ts";
import { watchParent } from "./parent_watch.ts";
import { UsageError } from "./train_args.ts";
import { describeRun, findHandoutRun, listRuns } from "../run/find.ts";
import type { Run } from "../run/load.ts";

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
  let runDir = args.run;
  if (runDir === undefined) {
    const found = await findHandoutRun(runsDir, kind);
    if (!found) {
      io.err(`error: ${await noModelMessage(kind, runsDir)}`);
      return 1;
    }
    say(
      `using the handout's ${kind} (batch 100, lr 0.001, 25 epochs, seed 0) from the run cache; --run DIR takes another`,
    );
    runDir = found.dir;
  }
  const m = await workerModules();
  let run: Run;
  try {
    say(`backend: ${m.describeBackend(await m.initTf())}`);
    run = await m.loadRun(runDir);
    if (run.config.task !== "colourization" || !run.palette) {
      throw new Error(
        `${runDir} holds a segmentation run, not a colourization model`,
      );
    }
  } catch (e) {
    io.err(`error: ${(e as Error).message}\n`);
    return 1;
  }
  const palette = run.palette;
  try {
    if (args.run && args.model && args.model !== run.config.model) {
      io.err(
        `error: --model ${args.model} but ${args.run} holds a ${run.config.model} model\n`,
      );
      return 2;
    }
    say(`model: ${describeRun(run)}`);
    say(`palette: ${palette.numColours} colours, ${palette.description}`);
    if (run.json.data.synthetic) {
      say(
        "NOTE: this model was trained on SYNTHETIC data: expect colours that mean little on photos",
      );
    }
    await Deno.mkdir(args.out, { recursive: true });
    let failed = 0;
    for (const image of args.images) {
      try {
        const bytes = await readImage(image);
        const c = await m.colourizeImage(run.model, palette, bytes, {
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
    Deno.exit(await runChild(command));
  }
  watchParent();
  Deno.exit(await runColourizeCli(Deno.args, io));
}

/**
 * What to do when the handout's run of `kind` is not cached: how to train
 * it, and the runs of that model that are there (for --run).
 */
export async function noModelMessage(
  kind: string,
  runsDir: string,
): Promise<string> {
  const notebook = kind === "cnn"
    ? "notebooks/01_colourization.ipynb"
    : "notebooks/04_skip_connections.ipynb";
  const others = (await listRuns(runsDir)).filter((r) =>
    r.json.config.model === kind
  );
  const list = others.length
    ? `\nother ${kind} runs in the cache (pass one with --run DIR):\n${
      others.slice(0, 5).map((r) => `  ${describeRun(r)}`).join("\n")
    }\n`
    : "";
  return `the handout's ${kind} run (batch 100, lr 0.001, 25 epochs, seed 0) is not in ${runsDir}. Train it first, either:
  deno task train --model ${kind} --out runs/${kind}
then colourize with it:
  deno task colourize IMAGE... --run runs/${kind} --out DIR
or run ${notebook} (or \`deno task report\`), which caches it in data/runs/.
${list}`;
}
