/**
 * The one layout of a run folder, whoever wrote it (`deno task train --out`,
 * a notebook, `train:all`, Part C):
 *
 * - `run.json`: {@link RunJson}, written last: its presence marks the run complete;
 * - `history.json`: one {@link EpochRecord} per epoch;
 * - `samples.png`: predictions on the first validation images;
 * - `checkpoint.bin`: weights, Adam's state and the history after the last
 *   complete epoch (lib/train/checkpoint.ts);
 * - `lock`: held while a process trains the run (lib/run/lock.ts).
 *
 * @module
 */
import type { DataSource } from "../data/types.ts";
import type { EpochRecord } from "../train/types.ts";
import type { CodeFiles } from "./code_version.ts";
import type { RunConfig } from "./config.ts";

/** The `format` of the run.json this code writes and reads. */
export const RUN_FORMAT = "colourlab-run/2";

/** File names of a run folder. */
export const RUN_FILES = {
  run: "run.json",
  history: "history.json",
  samples: "samples.png",
  checkpoint: "checkpoint.bin",
} as const;

/** The data a run was trained on. */
export interface DataFacts {
  description: string;
  kind: DataSource["kind"];
  path?: string;
  url?: string;
  sha256: string;
  synthetic: boolean;
  trainImages: number;
  /** Validation images (the test split for segmentation). */
  valImages: number;
  /** Colourization: the CIFAR-10 category. */
  category?: number;
  categoryName?: string;
  /** Segmentation: S, the side of the resized photos. */
  size?: number;
}

/** What decides whether a cached run can be reused. */
export interface RunKey {
  /** sha256 of the configuration, the data's sha256, the palette and the body's identity. */
  identity: string;
  /** Versions of the npm packages that compute (tfjs and its backends). */
  packages: Record<string, string>;
  /** Normalised hash of each module on the training path (lib/run/code_version.ts). */
  code: CodeFiles;
}

/** run.json. */
export interface RunJson {
  format: typeof RUN_FORMAT;
  runId: string;
  config: RunConfig;
  data: DataFacts;
  /** Colourization: the palette (RGB triples on the /256 scale, flattened); segmentation: null. */
  palette: { description: string; colours: number[] } | null;
  /** Segmentation from a pre-trained body: that run. */
  body: { runId: string; dir: string } | null;
  key: RunKey;
  backend: { name: string; description: string };
  /** Deno, V8, TypeScript and the tfjs packages. */
  versions: Record<string, string>;
  timings: {
    startedAt: string;
    finishedAt: string;
    /** Seconds of training and validation over all epochs (resumed ones included). */
    trainSeconds: number;
    /** Wall time of the process call that finished the run. */
    wallSeconds: number;
    /** Epochs that came from a checkpoint (0 for a run trained in one go). */
    resumedFromEpoch: number;
  };
  /** The last epoch's record. */
  final: EpochRecord;
  /** The command line, when a CLI wrote it. */
  command?: string[];
}

/** run.json is missing a field, or was written by another version of colourlab. */
export class RunFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunFormatError";
  }
}

/**
 * Checks that `value` (parsed from `path`) is a {@link RunJson} of this
 * format; the error names the file and what is wrong.
 */
export function validateRunJson(value: unknown, path: string): RunJson {
  const bad = (why: string) => new RunFormatError(`${path}: ${why}`);
  if (typeof value !== "object" || value === null) throw bad("not an object");
  const v = value as Record<string, unknown>;
  if (v.format !== RUN_FORMAT) {
    throw bad(
      v.format === undefined
        ? `written by an older colourlab (no "format"; this one reads "${RUN_FORMAT}")`
        : `format "${v.format}", this colourlab reads "${RUN_FORMAT}"`,
    );
  }
  const need = (key: string, type: string) => {
    const t = v[key] === null ? "null" : typeof v[key];
    if (!type.split("|").includes(t)) {
      throw bad(`field "${key}" should be ${type}, is ${t}`);
    }
  };
  need("runId", "string");
  need("config", "object");
  need("data", "object");
  need("palette", "object|null");
  need("body", "object|null");
  need("key", "object");
  need("backend", "object");
  need("versions", "object");
  need("timings", "object");
  need("final", "object");
  const config = v.config as Record<string, unknown>;
  if (config.task !== "colourization" && config.task !== "segmentation") {
    throw bad(`config.task is ${JSON.stringify(config.task)}`);
  }
  const data = v.data as Record<string, unknown>;
  if (typeof data.sha256 !== "string" || typeof data.description !== "string") {
    throw bad("data.sha256 and data.description must be strings");
  }
  const key = v.key as Record<string, unknown>;
  if (
    typeof key.identity !== "string" || typeof key.code !== "object" ||
    typeof key.packages !== "object"
  ) {
    throw bad("key must hold identity, packages and code");
  }
  if (config.task === "colourization") {
    const p = v.palette as { colours?: unknown } | null;
    if (!p || !Array.isArray(p.colours) || p.colours.length % 3 !== 0) {
      throw bad("a colourization run needs its palette's colours");
    }
  }
  return value as RunJson;
}

/** Reads and validates `dir/run.json`; undefined when there is none. */
export async function readRunJson(dir: string): Promise<RunJson | undefined> {
  const path = `${dir}/${RUN_FILES.run}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RunFormatError(`${path}: not JSON (${(e as Error).message})`);
  }
  return validateRunJson(value, path);
}
