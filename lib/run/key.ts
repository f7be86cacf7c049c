/**
 * The cache key of a run, and why a cached run is not reused. Two parts:
 *
 * - identity: the configuration, the data's sha256, the palette and (for a
 *   fine-tuning run) the body's identity. It names the run's folder.
 * - freshness: the npm packages that compute and the code on the training
 *   path (lib/run/code_version.ts). When they differ from the ones stored in
 *   a folder's run.json, the run is retrained in the same folder, and one
 *   line says why: "retraining: lib/train/fit.ts changed".
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { version_wasm } from "@tensorflow/tfjs-backend-wasm";
import { createHash } from "node:crypto";
import { changedFiles, codeDigest, codeFiles } from "./code_version.ts";
import type { RunConfig } from "./config.ts";
import type { RunKey } from "./run_json.ts";

/**
 * The modules a result depends on, from which the code version follows the
 * imports: the trainer, the model builders, the data preparation and the
 * backend with its kernels (paths relative to lib/).
 */
export const CODE_ROOTS: readonly string[] = [
  "train/fit.ts",
  "models/build.ts",
  "data/train_data.ts",
  "backend.ts",
];

let codeMemo: Promise<RunKey["code"]> | undefined;

/** The code version of the training path (computed once per process). */
export function trainingCode(): Promise<RunKey["code"]> {
  codeMemo ??= codeFiles(CODE_ROOTS);
  return codeMemo;
}

/** Versions of the tfjs packages that compute. */
export function packageVersions(): Record<string, string> {
  const v = tf.version as Record<string, string>;
  return {
    "tfjs-core": v["tfjs-core"],
    "tfjs-layers": v["tfjs-layers"],
    "tfjs-backend-cpu": v["tfjs-backend-cpu"],
    "tfjs-backend-wasm": version_wasm,
  };
}

/** sha256 (hex) of a JSON value with its object keys sorted. */
export function stableHash(value: unknown): string {
  return createHash("sha256").update(stableJson(value)).digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${
      Object.keys(o).filter((k) => o[k] !== undefined).sort()
        .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")
    }}`;
  }
  return JSON.stringify(value);
}

/** A palette's colours rounded to 6 decimals (float noise must not split runs). */
export function paletteKey(colours: ArrayLike<number> | null): number[] | null {
  return colours ? Array.from(colours, (v) => Math.round(v * 1e6) / 1e6) : null;
}

/** What a run's identity hashes. */
export interface IdentityParts {
  config: RunConfig;
  dataSha256: string;
  palette: number[] | null;
  /** The body run's identity (fine-tuning from a pre-trained body). */
  body: string | null;
}

/** The key of a run with these parts, under the code and packages of this process. */
export async function runKey(parts: IdentityParts): Promise<RunKey> {
  return {
    identity: stableHash({
      config: parts.config,
      data: parts.dataSha256,
      palette: paletteKey(parts.palette),
      body: parts.body,
    }),
    packages: packageVersions(),
    code: await trainingCode(),
  };
}

/** One short hash of the freshness part of a key (checkpoints record it). */
export function freshness(key: RunKey): string {
  return stableHash({ packages: key.packages, code: codeDigest(key.code) })
    .slice(0, 16);
}

/**
 * Why a run stored under `stored` is not current under `now`, or undefined
 * when it is: e.g. "lib/train/fit.ts changed", "tfjs-core 4.22.0 -> 4.23.0".
 */
export function staleReason(stored: RunKey, now: RunKey): string | undefined {
  if (stored.identity !== now.identity) {
    return "its configuration or data differ";
  }
  const reasons: string[] = [];
  for (const name of Object.keys({ ...stored.packages, ...now.packages })) {
    if (stored.packages[name] !== now.packages[name]) {
      reasons.push(
        `${name} ${stored.packages[name] ?? "none"} -> ${
          now.packages[name] ?? "none"
        }`,
      );
    }
  }
  const files = changedFiles(stored.code, now.code);
  if (files.length > 0) {
    const shown = files.slice(0, 3).join(", ");
    const more = files.length > 3 ? ` and ${files.length - 3} more` : "";
    reasons.push(`${shown}${more} changed`);
  }
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}
