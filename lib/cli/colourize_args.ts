/**
 * The command line of `deno task colourize`: its help text, and parsing and
 * checking its flags and images (no tfjs here: the launcher imports it
 * before any permission is granted).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, extname } from "node:path";
import type { ColourizeMode } from "../colourize.ts";
import { UsageError } from "./train_args.ts";

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
  /** A run folder; undefined: the handout's run of `model` in the run cache. */
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
           (default: the handout's run of --model in --runs: batch 100,
           lr 0.001, 25 epochs, seed 0)
  --runs   the run cache to search (default data/runs)
  --mode   luminance (default): ${MODES.luminance};
           palette: ${MODES.palette}
  --out    output folder
`;

/**
 * Parses `deno task colourize` arguments; throws UsageError with a clear
 * message for anything missing or malformed.
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
