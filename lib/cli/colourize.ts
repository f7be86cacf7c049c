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
 * @see issue 4 (`deno task colourize`)
 * @module
 */
import { parseArgs } from "node:util";
import { basename, extname, resolve } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { ColourizeMode } from "../colourize.ts";
import { paletteFromJson } from "../data/palette_file.ts";
import type { Palette } from "../data/types.ts";
import type { ModelKind } from "../experiments/run_cache.ts";
import type { EpochRecord } from "../train/types.ts";
import { CACHE_DIR } from "./cache_dir.ts";
import { npmCacheDir, PROJECT_ROOT } from "./launch.ts";
import {
  type PermissionContext,
  permissionFlags,
  TRAIN_ENV_VARS,
  TRAIN_SYS,
  type TrainPermissions,
} from "./permissions.ts";
import { UsageError } from "./train_args.ts";

/**
 * tfjs, sharp and the models, loaded only when colourizing: the launcher
 * runs without the permissions they need at import time (sharp reads
 * environment variables and loads a native module).
 */
async function workerModules() {
  const [backend, colourize, runCache, checkpoint, files] = await Promise.all([
    import("../backend.ts"),
    import("../colourize.ts"),
    import("../experiments/run_cache.ts"),
    import("../train/checkpoint.ts"),
    import("../io/file_handler.ts"),
  ]);
  return { ...backend, ...colourize, ...runCache, ...checkpoint, ...files };
}

/** The modes of lib/colourize.ts, as --mode explains them. */
const MODES: Record<ColourizeMode, string> = {
  luminance: "predicted chroma on the photo's own grey (keeps detail)",
  palette: "the plain 32x32 palette prediction, upsampled",
};

/** Checked arguments of `deno task colourize`. */
export interface ColourizeArgs {
  images: string[];
  /** Model type to look for in the run cache (undefined: unet; with --run: the run's own). */
  model?: "cnn" | "unet";
  /** A run folder; undefined: the most recent cached run of `model`. */
  run?: string;
  /** The run cache searched when there is no --run (default the project's data/runs). */
  runs?: string;
  mode: ColourizeMode;
  out: string;
}

/** Help text of `deno task colourize`. */
export const COLOURIZE_USAGE =
  `Usage: deno task colourize IMAGE... --out DIR [--model unet|cnn] [--run DIR]
                           [--runs DIR] [--mode luminance|palette]

Colourizes your own photos (any size; JPEG, PNG, WebP, ...) with a trained
model: each is resized to the model's 32x32 grey input and the prediction
brought back to the photo's size. Writes DIR/<stem>_colourized.png and
DIR/<stem>_comparison.png (original, grey, model output, colourized).

  --model  the model type to take from the run cache (default unet)
  --run    a run folder: \`deno task train --out\` or data/runs/<runId>
           (default: the most recent complete run of --model in --runs)
  --runs   the run cache to search (default data/runs)
  --mode   luminance (default): ${MODES.luminance};
           palette: ${MODES.palette}
  --out    output folder
`;

/**
 * Parses `deno task colourize` arguments; throws UsageError with a clear
 * message for anything missing or malformed.
 * @see issue 4 (`deno task colourize`)
 */
export function parseColourizeArgs(argv: string[]): ColourizeArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        model: { type: "string" },
        run: { type: "string" },
        runs: { type: "string" },
        mode: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) throw new UsageError("");
  if (v.model !== undefined && v.model !== "cnn" && v.model !== "unet") {
    throw new UsageError(`--model must be unet or cnn, got "${v.model}"`);
  }
  const mode = v.mode ?? "luminance";
  if (!Object.hasOwn(MODES, mode)) {
    throw new UsageError(
      `--mode must be ${Object.keys(MODES).join(" or ")}, got "${mode}"`,
    );
  }
  if (parsed.positionals.length === 0) {
    throw new UsageError("give at least one IMAGE");
  }
  if (!v.out?.trim()) throw new UsageError("--out DIR is required");
  for (const name of ["run", "runs"] as const) {
    if (v[name] !== undefined && !v[name]!.trim()) {
      throw new UsageError(`--${name} must not be empty`);
    }
  }
  const stems = new Map<string, string>();
  for (const image of parsed.positionals) {
    const stem = imageStem(image);
    const other = stems.get(stem);
    if (other !== undefined) {
      throw new UsageError(
        `${other} and ${image} would both be written as ${stem}_colourized.png`,
      );
    }
    stems.set(stem, image);
  }
  return {
    images: parsed.positionals,
    model: v.model,
    run: v.run,
    runs: v.runs,
    mode: mode as ColourizeMode,
    out: v.out,
  };
}

/** File name without folder and extension: "photos/horse.jpg" -> "horse". */
export function imageStem(path: string): string {
  return basename(path, extname(path));
}

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

interface RunJson {
  runId?: string;
  spec?: { model?: string; numEpochs?: number };
  config?: { model?: string; numEpochs?: number; paletteColours?: number[] };
  data?: string | { description?: string; synthetic?: boolean };
  palette?: string | { description?: string };
  paletteColours?: number[];
  finished?: string;
  finishedAt?: string;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

const KINDS: readonly ModelKind[] = ["cnn", "unet", "unet_no_input_skip"];

/**
 * Loads the model and palette of a run folder: a `deno task train --out`
 * folder (its checkpoint config holds the palette) or a run cache folder
 * `data/runs/<runId>` (palette found through run.json's palette line).
 * @see issue 4 (`deno task colourize`)
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

/**
 * The run's palette: stored colours (`paletteColours` in the checkpoint
 * config, config.json or run.json), else the file its run.json palette line
 * names ("cached in PATH"), else the palette cache next to the run cache
 * (`<runs>/../palettes/`) entry with the same description.
 */
async function runPalette(
  dir: string,
  { config, runJson, numColours }: {
    config: Record<string, unknown>;
    runJson?: RunJson;
    numColours?: number;
  },
): Promise<Palette> {
  const line = typeof runJson?.palette === "string"
    ? runJson.palette
    : runJson?.palette?.description;
  const configJson = await readJson<{ paletteColours?: number[] }>(
    `${dir}/config.json`,
  );
  const stored = config.paletteColours ?? configJson?.paletteColours ??
    runJson?.paletteColours;
  if (Array.isArray(stored) && stored.length % 3 === 0 && stored.length > 0) {
    const rgb = [];
    for (let i = 0; i < stored.length; i += 3) rgb.push(stored.slice(i, i + 3));
    return {
      ...paletteFromJson(rgb, dir),
      description: line ?? `palette stored with ${dir}`,
    };
  }
  const fits = (p: Palette) =>
    numColours === undefined || p.numColours === numColours;
  const match = line?.match(/\(cached in (.+\.json)\)$/)?.[1];
  if (match) {
    // the train CLI writes it relative to the project root
    const named = resolve(PROJECT_ROOT, match);
    const json = await readJson<unknown>(named).catch(() => undefined);
    const palette = json === undefined
      ? undefined
      : paletteFromJson(json, named);
    if (palette && fits(palette)) return palette;
  }
  const cache = resolve(dir, "../../palettes");
  if (line) {
    try {
      for await (const e of Deno.readDir(cache)) {
        if (!e.isFile || !e.name.endsWith(".json")) continue;
        const json = await readJson<{ description?: string }>(
          `${cache}/${e.name}`,
        ).catch(() => undefined);
        const d = json?.description;
        if (
          d !== undefined && (line === d || line.startsWith(`${d} (cached in `))
        ) {
          const palette = paletteFromJson(json, `${cache}/${e.name}`);
          if (fits(palette)) return palette;
        }
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  throw new Error(
    `${dir}: the palette this model was trained with is not stored with the run` +
      (line
        ? ` (its run.json says "${line}", and no such palette is in ${cache})`
        : "") +
      `; train a run with \`deno task train ... --out DIR\`, which stores it, and pass --run DIR`,
  );
}

/**
 * The most recent complete run (run.json and checkpoint present) of model
 * type `kind` in the run cache `runsDir`, by the time it finished; undefined
 * when there is none.
 * @see issue 4 (`deno task colourize`)
 */
export async function latestRun(
  runsDir: string,
  kind: ModelKind,
): Promise<string | undefined> {
  const { CHECKPOINT_FILE } = await workerModules();
  const found: { dir: string; finished: string }[] = [];
  try {
    for await (const e of Deno.readDir(runsDir)) {
      if (!e.isDirectory) continue;
      const dir = `${runsDir}/${e.name}`;
      const run = await readJson<RunJson>(`${dir}/run.json`).catch(() =>
        undefined
      );
      const type = run?.spec?.model ?? run?.config?.model;
      if (type !== kind) continue;
      const ckpt = await Deno.stat(`${dir}/${CHECKPOINT_FILE}`).catch(() =>
        undefined
      );
      if (!ckpt) continue;
      found.push({
        dir,
        finished: run?.finished ?? run?.finishedAt ??
          ckpt.mtime?.toISOString() ?? "",
      });
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  found.sort((a, b) =>
    b.finished.localeCompare(a.finished) || a.dir.localeCompare(b.dir)
  );
  return found[0]?.dir;
}

/**
 * What to do when no trained model is cached: how to train one, and how to
 * point --run at it.
 * @see issue 4 (`deno task colourize`)
 */
export function noModelMessage(kind: "cnn" | "unet", runsDir: string): string {
  const notebook = kind === "unet"
    ? "notebooks/04_skip_connections.ipynb"
    : "notebooks/01_colourization.ipynb";
  return `no trained ${kind} model in ${runsDir} (the run cache). Train one first, either:
  deno task train --model ${kind} --epochs 25 --batch-size 100 --lr 0.001 --out runs/${kind}
then colourize with it:
  deno task colourize IMAGE... --run runs/${kind} --out DIR
or run ${notebook} (or \`deno task report\`), which caches its ${kind} runs in data/runs/;
\`deno task colourize IMAGE... --model ${kind} --out DIR\` then uses the most recent one.
`;
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

/**
 * The narrowest permissions for one colourize command line: read the
 * project, the images, the run (and the palette cache beside it) and
 * Deno's copy of the npm packages that load files at run time; write only
 * --out; FFI only for sharp's native module; no network.
 * @see issue 4 (`deno task colourize`)
 */
export function colourizePermissions(
  args: ColourizeArgs,
  ctx: Pick<PermissionContext, "projectRoot" | "npmCache">,
): TrainPermissions {
  const at = (p: string) => resolve(ctx.projectRoot, p);
  const out = at(args.out);
  const read = [ctx.projectRoot, out, ...args.images.map(at)];
  if (args.run) {
    read.push(at(args.run), resolve(at(args.run), "../../palettes"));
  }
  if (args.runs) {
    read.push(at(args.runs), resolve(at(args.runs), "../palettes"));
  }
  const ffi: string[] = [];
  // As lib/cli/permissions.ts trainPermissions: the wasm backend's files and sharp's native module.
  if (ctx.npmCache) {
    read.push(
      `${ctx.npmCache}/registry.npmjs.org/@tensorflow/tfjs-backend-wasm`,
    );
    ffi.push(`${ctx.npmCache}/registry.npmjs.org/@img`);
  } else ffi.push(`${ctx.projectRoot}/node_modules/@img`);
  return {
    read: [...new Set(read)],
    write: [out],
    net: [],
    env: [...TRAIN_ENV_VARS],
    sys: [...TRAIN_SYS],
    ffi,
  };
}

/**
 * The `deno run` argument list that runs this CLI with the permissions
 * `argv` needs (what the `colourize` task starts).
 * @see issue 4 (`deno task colourize`)
 */
export async function colourizeCommand(argv: string[]): Promise<string[]> {
  const perms = colourizePermissions(parseColourizeArgs(argv), {
    projectRoot: PROJECT_ROOT,
    npmCache: await npmCacheDir(),
  });
  return [
    "run",
    ...permissionFlags(perms),
    `${PROJECT_ROOT}/lib/cli/colourize.ts`,
    ...argv,
  ];
}

/** Where the CLI writes text. */
export interface ColourizeIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * Runs the CLI; returns the exit code (0 ok, 1 a failure, e.g. no model or
 * an unreadable image, 2 bad command line).
 * @see issue 4 (`deno task colourize`)
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
