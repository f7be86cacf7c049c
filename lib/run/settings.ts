/**
 * What the environment decides for every notebook: quick mode (CI) or full,
 * and the data set, read from the variables the report runner sets; and the
 * facts each notebook states about its run.
 *
 * - `COLOURLAB_QUICK=1`: quick mode: runAll caps each colourization run
 *   (lib/run/run_all.ts QUICK_CAPS) and says so.
 * - `COLOURLAB_DATA=path|synthetic`: the data set (else the loader's search:
 *   the cache, then a download).
 *
 * @module
 */
import type { BackendInfo } from "../backend.ts";
import { describeBackend } from "../backend.ts";
import { DEFAULTS } from "../config.ts";
import type { CategoryData } from "../data/types.ts";
import { QUICK_CAPS } from "./run_all.ts";

/** The knobs every notebook reads from the environment. */
export interface ExperimentSettings {
  /** Quick mode (CI): small runs. */
  quick: boolean;
  /** Data path or "synthetic"; undefined = the loader's own search (cache, download). */
  data?: string;
  /** The seed of the palette (k-means), as the handout ships one palette. */
  seed: number;
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env
  }
}

/** Settings from COLOURLAB_QUICK and COLOURLAB_DATA. */
export function experimentSettings(): ExperimentSettings {
  return {
    quick: env("COLOURLAB_QUICK") === "1",
    data: env("COLOURLAB_DATA") || undefined,
    seed: DEFAULTS.seed,
  };
}

function dataLine(data: CategoryData): string {
  const d = data.source.description;
  return data.source.synthetic
    ? (/synthetic/i.test(d) ? d : `SYNTHETIC data (not CIFAR-10): ${d}`)
    : `${data.source.kind} ${data.source.path ?? ""}`.trim();
}

function modeLine(settings: ExperimentSettings, data: CategoryData): string {
  return settings.quick
    ? `QUICK mode (at most ${QUICK_CAPS.limitTrain} training images, ${QUICK_CAPS.numEpochs} epochs per run)`
    : `full mode (all ${data.train.count} training images)`;
}

/**
 * One line: backend, data set and its sha256 (first 12 hex digits), mode.
 */
export function describeSettings(
  settings: ExperimentSettings,
  backend: BackendInfo,
  data: CategoryData,
): string {
  return [
    `backend ${describeBackend(backend)}`,
    `data ${dataLine(data)}, sha256 ${data.source.sha256.slice(0, 12)}, ` +
    `${data.train.count} train / ${data.val.count} validation ${data.categoryName} images`,
    modeLine(settings, data),
  ].join(" · ");
}

/** The same facts as a table, which the report puts on the notebook's page. */
export function settingsContext(
  settings: ExperimentSettings,
  backend: BackendInfo,
  data: CategoryData,
): Record<string, string | number | boolean> {
  return {
    mode: settings.quick ? "quick" : "full",
    backend: describeBackend(backend),
    data: data.source.description,
    "data sha256": data.source.sha256.slice(0, 12),
    synthetic: data.source.synthetic,
    "training images": settings.quick
      ? Math.min(QUICK_CAPS.limitTrain, data.train.count)
      : data.train.count,
    "validation images": settings.quick
      ? Math.min(QUICK_CAPS.limitVal, data.val.count)
      : data.val.count,
    "palette seed": settings.seed,
  };
}
