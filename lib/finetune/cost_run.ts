/**
 * The cost study (C.4, C.5) as a cached result that runs beside the
 * training: read from `<cacheDir>/finetune/cost_<hash>/` when measured
 * before by the same code, else measured in one worker process (one thread,
 * holding one of the machine-wide slots that runAll's workers take), so that
 * it runs in parallel with the fine-tuning runs while its memory figures stay
 * one process's tensor memory. Ctrl-C or Interrupt stops the worker after
 * its current point; nothing half-measured is kept.
 *
 * @module
 */
import type { BackendInfo } from "../backend.ts";
import { projectDataDir } from "../io/data_dir.ts";
import { loadOrCompute } from "../run/cached.ts";
import { stableHash } from "../run/key.ts";
import { PLAN_ONLY_VARIABLE, RunsInterrupted } from "../run/run_all.ts";
import { takeSlot } from "../run/slots.ts";
import { runWorkerProcess } from "../run/worker_process.ts";
import { type CostPoint, runCostStudy } from "./cost_study.ts";
import type { CostSpec } from "./experiment.ts";
import { COST_PREFIX, type CostMessage } from "./cost_worker.ts";

/** The measured points and whether they came from the cache. */
export interface CostResult {
  points: CostPoint[];
  cached: boolean;
  /** Backend and threads of the measurement. */
  backend: string;
  threads: number;
}

/** Where the cost study stands, for a progress display. */
export interface CostProgress {
  /** Points measured so far, of `total`. */
  done: number;
  total: number;
  /** Read from the cache (nothing measured). */
  cached: boolean;
  finished: boolean;
  /** Seconds since the study started. */
  elapsed: number;
}

/** Options of {@link costStudy}. */
export interface CostStudyRunOptions {
  /** The backend of this process: the worker uses the same. */
  backend: BackendInfo;
  cacheDir?: string;
  /** Called when the study starts, after each point and at the end. */
  progress?: (p: CostProgress) => void | Promise<void>;
  /**
   * Measure in this process with its threads, holding no slot (the
   * command line, which runs one thing at a time); default: a worker.
   */
  inProcess?: boolean;
}

/** Threads of the measuring worker: one, as runAll's training workers. */
const WORKER_THREADS = 1;

/** The study of `spec`: cached, or measured now in a worker process. */
export async function costStudy(
  spec: CostSpec,
  opts: CostStudyRunOptions,
): Promise<CostResult> {
  const modes = spec.modes ?? ["a", "b", "c"];
  const identity = {
    blocks: spec.blocks,
    sizes: spec.sizes,
    modes,
    batchSize: spec.batchSize,
    backend: opts.backend.name,
    threads: threadsOf(opts),
  };
  const dir = `${opts.cacheDir ?? projectDataDir()}/finetune/cost_${
    stableHash(identity).slice(0, 12)
  }`;
  const total = spec.blocks.length * spec.sizes.length * modes.length;
  const t0 = performance.now();
  let done = 0;
  let measured = false;
  const report = (finished: boolean) =>
    opts.progress?.({
      done,
      total,
      cached: !measured && finished,
      finished,
      elapsed: (performance.now() - t0) / 1000,
    });
  if (planOnly()) return { points: [], cached: false, ...how(opts) };
  const result = await loadOrCompute(
    dir,
    { identity, roots: ["finetune/cost_study.ts", "backend.ts"] },
    async () => {
      measured = true;
      report(false);
      const onPoint = (n: number) => {
        done = n;
        report(false);
      };
      if (!opts.inProcess) {
        return await measureInWorker({ ...spec, modes }, opts.backend, onPoint);
      }
      const points = await runCostStudy({
        ...spec,
        modes,
        onPoint: () => onPoint(done + 1),
      });
      return points!;
    },
  );
  done = total;
  await report(true);
  return { points: result.value, cached: result.cached, ...how(opts) };
}

function threadsOf(opts: CostStudyRunOptions): number {
  return opts.inProcess ? opts.backend.threads : WORKER_THREADS;
}

function how(opts: CostStudyRunOptions) {
  return { backend: opts.backend.name, threads: threadsOf(opts) };
}

/** `deno task train:all --list` only plans: the cost study measures nothing then. */
function planOnly(): boolean {
  try {
    return Deno.env.get(PLAN_ONLY_VARIABLE) === "1";
  } catch {
    return false;
  }
}

async function measureInWorker(
  spec: Required<CostSpec>,
  backend: BackendInfo,
  onPoint: (done: number) => void,
): Promise<CostPoint[]> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    const slot = await takeSlot({ signal: stop.signal }).catch(() => {
      throw new RunsInterrupted("cost study stopped before it started");
    });
    try {
      return await runWorker(spec, backend, onPoint, stop.signal);
    } finally {
      slot.release();
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}

async function runWorker(
  spec: Required<CostSpec>,
  backend: BackendInfo,
  onPoint: (done: number) => void,
  signal: AbortSignal,
): Promise<CostPoint[]> {
  const total = spec.blocks.length * spec.sizes.length * spec.modes.length;
  const points: CostPoint[] = [];
  let error: string | undefined;
  const exit = await runWorkerProcess<CostMessage>({
    script: new URL("./cost_worker.ts", import.meta.url),
    arg: JSON.stringify(spec),
    prefix: COST_PREFIX,
    env: {
      COLOURLAB_THREADS: String(WORKER_THREADS),
      COLOURLAB_BACKEND: backend.name,
    },
    signal,
    onMessage: (m) => {
      if (m.kind === "point") {
        points.push(m.point);
        onPoint(points.length);
      } else if (m.kind === "error") error = m.message;
    },
  });
  if (signal.aborted) {
    throw new RunsInterrupted(
      `cost study interrupted after ${points.length} of ${total} points (none kept). ` +
        "Run the cell again to measure it.",
    );
  }
  if (exit.code !== 0 || points.length !== total) {
    const tail = exit.stderrTail;
    throw new Error(
      `the cost study's worker failed: ${
        error ?? `exit code ${exit.code}${tail ? `: ${tail}` : ""}`
      }`,
    );
  }
  return points;
}
