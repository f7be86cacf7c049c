/**
 * The command line of `deno task train`: parsing and checking its flags.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DEFAULTS } from "../config.ts";

/** The models the CLI can train. */
export type ModelKind = "cnn" | "unet" | "unet_no_input_skip";

const MODELS: readonly ModelKind[] = ["cnn", "unet", "unet_no_input_skip"];

/** Checked arguments of `deno task train`. */
export interface TrainArgs {
  model: ModelKind;
  numEpochs: number;
  batchSize: number;
  learningRate: number;
  numFilters: number;
  kernelSize: number;
  seed: number;
  /** "synthetic", an archive or folder path; undefined: COLOURLAB_DATA, cache or download. */
  data?: string;
  /** A palette file (.npy or .json); undefined: k-means over the training pixels. */
  palette?: string;
  /** Use only the first N training images. */
  limitTrain?: number;
  /** Use only the first N validation images. */
  limitVal?: number;
  resume: boolean;
  /** Run folder for history.json, run.json, samples.png and the checkpoint. */
  out: string;
}

/** A bad command line; the message says what is wrong, {@link USAGE} how to fix it. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Help text of `deno task train`. */
export const USAGE =
  `Usage: deno task train --model cnn|unet|unet_no_input_skip --out DIR
                       [--epochs ${DEFAULTS.numEpochs}] [--batch-size ${DEFAULTS.batchSize}] [--lr ${DEFAULTS.learningRate}]
                       [--nf ${DEFAULTS.numFilters}] [--kernel ${DEFAULTS.kernelSize}] [--seed ${DEFAULTS.seed}]
                       [--data PATH|synthetic] [--palette FILE.npy|FILE.json]
                       [--limit-train N] [--limit-val N] [--resume]

Trains the handout's CNN or UNet to colourize CIFAR-10 horses and writes
DIR/history.json, DIR/run.json, DIR/samples.png and DIR/checkpoint.bin
(the run folder every colourlab tool reads). Defaults are the handout's.

  --model        cnn, unet, or unet_no_input_skip (the ablation)
  --epochs       total number of epochs (with --resume too)
  --batch-size   images per Adam step
  --lr           Adam learning rate (the handout's CNN used 0.3)
  --nf           filters of the first layer (NF)
  --kernel       convolution kernel size (K)
  --seed         seed of the initialisation and the shuffle (the palette is the
                 data's: k-means with seed 0, as the handout ships one)
  --data         CIFAR-10 binary archive (.tar.gz) or its extracted folder, or
                 "synthetic"; default: $COLOURLAB_DATA, the cache in data/, or
                 a download of the official archive
  --palette      palette file, (NC, 3) float .npy or JSON; default: k-means
                 with ${DEFAULTS.numColours} colours over the training pixels
  --limit-train  use only the first N training images
  --limit-val    use only the first N validation images
  --resume       continue from DIR/checkpoint.bin (after Ctrl-C, say)
  --out          run folder (created if missing)
`;

function positiveInt(
  name: string,
  value: string | undefined,
  fallback?: number,
): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new UsageError(
      `--${name} must be a positive integer, got ${value}`,
    );
  }
  return Number(value);
}

/**
 * Parses `deno task train` arguments; throws {@link UsageError} with a clear
 * message for a missing, unknown or malformed flag.
 */
export function parseTrainArgs(argv: string[]): TrainArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinValues(argv, VALUE_FLAGS),
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: "string" },
        epochs: { type: "string" },
        "batch-size": { type: "string" },
        lr: { type: "string" },
        nf: { type: "string" },
        kernel: { type: "string" },
        seed: { type: "string" },
        data: { type: "string" },
        palette: { type: "string" },
        "limit-train": { type: "string" },
        "limit-val": { type: "string" },
        resume: { type: "boolean", default: false },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) throw new UsageError("");
  if (!MODELS.includes(v.model as ModelKind)) {
    throw new UsageError(
      v.model === undefined
        ? `--model is required (${MODELS.join(", ")})`
        : `--model must be one of ${MODELS.join(", ")}, got ${v.model}`,
    );
  }
  const lr = v.lr === undefined ? DEFAULTS.learningRate : Number(v.lr);
  if (!Number.isFinite(lr) || lr <= 0 || v.lr?.trim() === "") {
    throw new UsageError(`--lr must be a positive number, got ${v.lr}`);
  }
  const seed = v.seed === undefined ? DEFAULTS.seed : Number(v.seed);
  if (
    !Number.isInteger(seed) || seed < 0 ||
    (v.seed !== undefined && v.seed.trim() === "")
  ) {
    throw new UsageError(`--seed must be an integer >= 0, got ${v.seed}`);
  }
  if (v.out === undefined || v.out.trim() === "") {
    throw new UsageError("--out DIR is required");
  }
  if (v.data !== undefined && v.data.trim() === "") {
    throw new UsageError("--data must not be empty");
  }
  if (v.palette !== undefined && v.palette.trim() === "") {
    throw new UsageError("--palette must not be empty");
  }
  return {
    model: v.model as ModelKind,
    numEpochs: positiveInt("epochs", v.epochs, DEFAULTS.numEpochs),
    batchSize: positiveInt("batch-size", v["batch-size"], DEFAULTS.batchSize),
    learningRate: lr,
    numFilters: positiveInt("nf", v.nf, DEFAULTS.numFilters),
    kernelSize: positiveInt("kernel", v.kernel, DEFAULTS.kernelSize),
    seed,
    data: v.data,
    palette: v.palette,
    limitTrain: v["limit-train"] === undefined
      ? undefined
      : positiveInt("limit-train", v["limit-train"]),
    limitVal: v["limit-val"] === undefined
      ? undefined
      : positiveInt("limit-val", v["limit-val"]),
    resume: v.resume ?? false,
    out: v.out,
  };
}

/** The flags of `deno task train` that take a value. */
const VALUE_FLAGS = [
  "model",
  "epochs",
  "batch-size",
  "lr",
  "nf",
  "kernel",
  "seed",
  "data",
  "palette",
  "limit-train",
  "limit-val",
  "out",
];

/**
 * `--flag value` pairs of the flags in `withValue` joined as `--flag=value`,
 * so that a value starting with "-" (`--epochs -1`) reaches the checks that
 * explain what the flag accepts, instead of being read as a flag.
 */
export function joinValues(
  argv: string[],
  withValue: readonly string[],
): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (
      a.startsWith("--") && withValue.includes(a.slice(2)) &&
      i + 1 < argv.length && !/^--[a-z]/.test(argv[i + 1])
    ) {
      out.push(`${a}=${argv[++i]}`);
    } else out.push(a);
  }
  return out;
}
