/**
 * A worker process that trains one run (lib/run/run.ts) on one thread, for
 * {@link runAll}'s schedule: it reloads the data from where the parent
 * found it, checks it is the same (sha256), trains or loads the run, and
 * reports progress as JSON lines on stdout. It ends with its parent (stdin
 * watch) and stops cleanly on SIGINT, keeping the last complete epoch's
 * checkpoint.
 *
 *   deno run -A lib/run/worker.ts REQUEST_JSON
 *
 * @module
 */
import { initTf } from "../backend.ts";
import { loadCategoryData } from "../data/cifar.ts";
import { watchParent } from "../cli/parent_watch.ts";
import { loadSegmentationData } from "../finetune/segmentation_data.ts";
import type { RunInput } from "./config.ts";
import { type RunSources, trainOrLoad } from "./run.ts";
import type { BatchReport, EpochRecord } from "../train/types.ts";

/** What a worker is asked to do. */
export interface WorkerRequest {
  input: RunInput;
  /** The CIFAR-10 data: a path, or "synthetic"; its sha256 and palette. */
  cifar?: {
    data: string;
    category: number;
    sha256: string;
    palette: { colours: number[]; description: string };
  };
  /** The segmentation data: a Weizmann folder or "synthetic", at `size`. */
  segmentation?: { data: string; size: number; sha256: string };
  cacheDir?: string;
}

/** One line a worker writes on stdout. */
export type WorkerMessage =
  | { kind: "batch"; report: BatchReport }
  | { kind: "epoch"; record: EpochRecord }
  | { kind: "line"; text: string }
  | { kind: "done"; dir: string; cached: boolean }
  | { kind: "stopped" }
  | { kind: "error"; message: string };

/** Prefix of every message line (tfjs prints its own lines on stdout too). */
export const MESSAGE_PREFIX = "@colourlab ";

function send(message: WorkerMessage): void {
  const line = `${MESSAGE_PREFIX}${JSON.stringify(message)}\n`;
  Deno.stdout.writeSync(new TextEncoder().encode(line));
}

async function sources(request: WorkerRequest): Promise<RunSources> {
  const out: RunSources = {};
  if (request.cifar) {
    const data = await loadCategoryData({
      data: request.cifar.data,
      category: request.cifar.category,
      cacheDir: request.cacheDir,
    });
    if (data.source.sha256 !== request.cifar.sha256) {
      throw new Error(
        `the worker read other data from ${request.cifar.data} (sha256 ${
          data.source.sha256.slice(0, 12)
        }, expected ${request.cifar.sha256.slice(0, 12)})`,
      );
    }
    const p = request.cifar.palette;
    out.colour = {
      data,
      palette: {
        colours: Float32Array.from(p.colours),
        numColours: p.colours.length / 3,
        description: p.description,
      },
    };
  }
  if (request.segmentation) {
    const s = request.segmentation;
    out.segmentation = await loadSegmentationData({
      data: s.data,
      size: s.size,
    });
    if (out.segmentation.source.sha256 !== s.sha256) {
      throw new Error(`the worker read other segmentation data from ${s.data}`);
    }
  }
  return out;
}

async function main(json: string): Promise<number> {
  const request = JSON.parse(json) as WorkerRequest;
  const stop = new AbortController();
  Deno.addSignalListener("SIGINT", () => stop.abort());
  Deno.addSignalListener("SIGTERM", () => stop.abort());
  try {
    await initTf();
    const run = await trainOrLoad(request.input, await sources(request), {
      cacheDir: request.cacheDir,
      signal: stop.signal,
      onLine: (text) => send({ kind: "line", text }),
      onBatchEnd: (report) => send({ kind: "batch", report }),
      onEpochEnd: (record) => send({ kind: "epoch", record }),
    });
    run.model.dispose();
    send({ kind: "done", dir: run.dir, cached: run.cached });
    return 0;
  } catch (e) {
    if (stop.signal.aborted) {
      send({ kind: "stopped" });
      return 130;
    }
    send({ kind: "error", message: (e as Error).message });
    return 1;
  }
}

if (import.meta.main) {
  watchParent();
  Deno.exit(await main(Deno.args[0]));
}
