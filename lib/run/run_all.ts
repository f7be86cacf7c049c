/**
 * The runs a notebook asks for, trained or loaded as one job: cached runs
 * are read, the others trained in parallel worker processes (one thread
 * each, longest first) under the machine-wide cap (lib/run/slots.ts). One progress state covers them all. Ctrl-C or
 * Jupyter's Interrupt stops every worker at the end of its batch, keeping its
 * checkpoints: asking again resumes, with the same results.
 *
 * @module
 */
import { initTf } from "../backend.ts";
import type { CategoryData, Palette } from "../data/types.ts";
import type { SegmentationData } from "../data/weizmann.ts";
import { projectDataDir } from "../io/data_dir.ts";
import type { BatchReport, EpochRecord } from "../train/types.ts";
import { type RunConfig, type RunInput, runLabel } from "./config.ts";
import { loadRun, type Run } from "./load.ts";
import { RUN_FILES } from "./run_json.ts";
import { runWorkerProcess } from "./worker_process.ts";
import { isCurrent, type PlannedRun, planRun, trainOrLoad } from "./run.ts";
import { jobLimit, type Slot, takeSlot } from "./slots.ts";
import { waitUntilUnlocked } from "./lock.ts";
import {
  MESSAGE_PREFIX,
  type WorkerMessage,
  type WorkerRequest,
} from "./worker.ts";

/** Where one run stands. */
export interface RunState {
  label: string;
  runId: string;
  status: "cached" | "queued" | "training" | "done" | "stopped" | "failed";
  numEpochs: number;
  /** Epochs finished so far (of this training; a resumed run's earlier ones too once read back). */
  epochs: EpochRecord[];
  /** The last batch reported, while training. */
  batch?: BatchReport;
  /** Estimated seconds of training, for scheduling and the ETA. */
  estimate: number;
  /** Seconds since it started training. */
  elapsed: number;
  error?: string;
}

/** The state of all the runs, as {@link runAll} reports it. */
export interface RunsState {
  runs: RunState[];
  /** Workers allowed at once. */
  jobs: number;
  /** Seconds since runAll started. */
  elapsed: number;
  /** Estimated seconds left (NaN when unknown). */
  eta: number;
  /** Lines for people: quick-mode caps, retrain reasons, waiting for a lock. */
  notes: string[];
  finished: boolean;
}

/** Options of {@link runAll}. */
export interface RunAllOptions {
  /** The CIFAR-10 category and its palette (colourization runs). */
  colour?: { data: CategoryData; palette: Palette };
  /** Photos and masks (segmentation runs). */
  segmentation?: SegmentationData;
  /** Cache root (default the project's data/). */
  cacheDir?: string;
  /** Called whenever something changes. */
  progress?: (state: RunsState) => void | Promise<void>;
  /** Workers at once (default: the machine-wide cap, COLOURLAB_JOBS or the cores). */
  jobs?: number;
  /** Quick mode: colourization runs capped to 2 epochs, 500 + 200 images (default: COLOURLAB_QUICK=1). */
  quick?: boolean;
}

/** Training stopped by Ctrl-C or Interrupt; the message says where and how to go on. */
export class RunsInterrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunsInterrupted";
    // the message is the whole story: no stack trace under a notebook cell
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * With this environment variable set to "1", runAll only plans: it throws
 * {@link RunsPlanned}, whose message lists each run as cached or to train
 * (`deno task train:all --list`).
 */
export const PLAN_ONLY_VARIABLE = "COLOURLAB_PLAN_ONLY";

/** What runAll would do, when asked only to plan. */
export class RunsPlanned extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunsPlanned";
    this.stack = `${this.name}: ${message}`;
  }
}

/** Quick mode's caps of a colourization run. */
export const QUICK_CAPS = { numEpochs: 2, limitTrain: 500, limitVal: 200 };

/** The input with quick mode's caps applied, and a note when it changed. */
export function capForQuickMode(
  input: RunInput,
): { input: RunInput; note?: string } {
  if (input.task === "segmentation") return { input };
  const capped = {
    ...input,
    numEpochs: Math.min(input.numEpochs ?? 25, QUICK_CAPS.numEpochs),
    limitTrain: Math.min(input.limitTrain ?? Infinity, QUICK_CAPS.limitTrain),
    limitVal: Math.min(input.limitVal ?? Infinity, QUICK_CAPS.limitVal),
  };
  return {
    input: capped,
    note:
      `quick mode: at most ${QUICK_CAPS.numEpochs} epochs, ${QUICK_CAPS.limitTrain} training and ${QUICK_CAPS.limitVal} validation images per run`,
  };
}

function envFlag(name: string): boolean {
  try {
    return Deno.env.get(name) === "1";
  } catch {
    return false;
  }
}

/**
 * Rough training cost of a run (image-epochs, weighed by model and batch
 * size), to start the longest first and to estimate time left.
 */
export function costEstimate(config: RunConfig, trainImages: number): number {
  const model = config.task === "segmentation"
    ? (config.train === "head" ? 0.1 : 4)
    : { cnn: 1, unet: 1.25, unet_no_input_skip: 1.2, deeplab: 4 }[config.model];
  const images = config.task === "colourization" && config.limitTrain !== null
    ? Math.min(config.limitTrain, trainImages)
    : trainImages;
  return config.numEpochs * images * model * (1 + 10 / config.batchSize);
}

/**
 * Trains or loads every run of `inputs` (in their order in the result); see
 * the module doc. Throws {@link RunsInterrupted} when stopped.
 */
export async function runAll(
  inputs: RunInput[],
  opts: RunAllOptions = {},
): Promise<Run[]> {
  const t0 = performance.now();
  // the runs load as models here: a notebook without its setup cell works too
  await initTf();
  const quick = opts.quick ?? envFlag("COLOURLAB_QUICK");
  const notes: string[] = [];
  const capped = inputs.map((i) => quick ? capForQuickMode(i) : { input: i });
  for (const c of capped) {
    if (c.note && !notes.includes(c.note)) notes.push(c.note);
  }
  const sources = { colour: opts.colour, segmentation: opts.segmentation };
  const cacheDir = opts.cacheDir ?? projectDataDir();
  const plans = await Promise.all(
    capped.map((c) => planRun(c.input, sources, { cacheDir })),
  );
  const trainImages = (config: RunConfig) =>
    (config.task === "segmentation"
      ? opts.segmentation?.train.count
      : opts.colour?.data.train.count) ?? 0;
  const states: RunState[] = await Promise.all(plans.map(async (p) => {
    const cached = await isCurrent(p);
    return {
      label: runLabel(p.config),
      runId: p.runId,
      status: cached ? "cached" as const : "queued" as const,
      numEpochs: p.config.numEpochs,
      // an unfinished run (no run.json yet) shows the epochs it resumes after
      epochs: cached || !(await hasRunJson(p.dir))
        ? await cachedHistory(p.dir)
        : [],
      estimate: costEstimate(p.config, trainImages(p.config)),
      elapsed: 0,
    };
  }));
  if (envFlag(PLAN_ONLY_VARIABLE)) {
    throw new RunsPlanned(
      states.map((s) =>
        `${s.label} (${s.runId}): ${
          s.status === "cached" ? "cached" : "to train"
        }`
      ).join("\n"),
    );
  }
  const jobs = Math.max(1, opts.jobs ?? jobLimit());
  const state = (): RunsState => ({
    runs: states,
    jobs,
    elapsed: (performance.now() - t0) / 1000,
    eta: eta(states, jobs),
    notes,
    finished: states.every((s) => s.status === "cached" || s.status === "done"),
  });
  const report = () => opts.progress?.(state());
  await report();

  // runs asked for twice train once: the first plan of each folder trains
  const todo = [
    ...new Set(
      plans.map((p, i) => states[i].status === "queued" ? p.dir : ""),
    ),
  ].filter(Boolean).map((dir) => plans.findIndex((p) => p.dir === dir));
  // longest path first: a body counts its longest dependant's time too
  const pathLength = (i: number) =>
    states[i].estimate + Math.max(
      0,
      ...todo.filter((j) => plans[j].body?.dir === plans[i].dir)
        .map((j) => states[j].estimate),
    );
  todo.sort((a, b) => pathLength(b) - pathLength(a));

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    // one-thread workers even for a single run: the report runs notebooks
    // at once, and threaded wasm on an oversubscribed machine has been seen
    // to stall; in this process only when a worker could not reload the data
    const inProcess = !reloadable(opts);
    const train = (i: number) =>
      inProcess
        ? trainHere(
          plans[i],
          states[i],
          { ...opts, cacheDir },
          stop.signal,
          report,
          notes,
        )
        : trainInWorker(
          states[i],
          request(capped[i].input, opts, cacheDir),
          stop.signal,
          report,
          notes,
        );
    await schedule(
      todo.map((i) => ({
        index: i,
        dir: plans[i].dir,
        after: plans[i].body?.dir,
      })),
      inProcess ? 1 : jobs,
      stop.signal,
      train,
    );
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
  // a run asked for twice shares the fate of its trained twin
  for (const [i, p] of plans.entries()) {
    const twin = todo.find((j) => plans[j].dir === p.dir);
    if (twin !== undefined && twin !== i) {
      states[i] = { ...states[twin], label: states[i].label };
    }
  }
  await report();
  // a stop that came when every run had finished anyway stops nothing
  const unfinished = states.some((s) =>
    s.status !== "cached" && s.status !== "done"
  );
  if (stop.signal.aborted && unfinished) {
    throw new RunsInterrupted(interruptMessage(states));
  }
  const failed = states.filter((s) => s.status === "failed");
  if (failed.length > 0) {
    throw new Error(
      failed.map((s) => `${s.label} (${s.runId}) failed: ${s.error}`).join(
        "\n",
      ),
    );
  }
  const runs: Run[] = [];
  for (const [i, p] of plans.entries()) {
    const run = await loadRun(p.dir);
    runs.push({ ...run, cached: states[i].status === "cached" });
  }
  return runs;
}

/** Adds an epoch's record, replacing any of that epoch or later (a resume redoes them). */
function addEpoch(state: RunState, e: EpochRecord): void {
  state.epochs = [...state.epochs.filter((x) => x.epoch < e.epoch), e];
}

async function hasRunJson(dir: string): Promise<boolean> {
  try {
    await Deno.stat(`${dir}/${RUN_FILES.run}`);
    return true;
  } catch {
    return false;
  }
}

async function cachedHistory(dir: string): Promise<EpochRecord[]> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/history.json`));
  } catch {
    return [];
  }
}

/**
 * Starts `train(i)` for each index, at most `jobs` at once, each holding a
 * machine-wide slot. A run whose pre-trained body is in `todo` (`after`)
 * starts once that run has finished: it would otherwise hold a slot while it
 * waits for the body's lock.
 */
export async function schedule(
  todo: { index: number; dir: string; after?: string }[],
  jobs: number,
  signal: AbortSignal,
  train: (i: number) => Promise<void>,
  slots: { limit?: number } = {},
): Promise<void> {
  const queue = [...todo];
  const pending = new Set(todo.map((t) => t.dir));
  let changed = Promise.withResolvers<void>();
  const finished = (dir: string) => {
    pending.delete(dir);
    changed.resolve();
    changed = Promise.withResolvers<void>();
  };
  const next = () => {
    const k = queue.findIndex((t) => !t.after || !pending.has(t.after));
    return k < 0 ? undefined : queue.splice(k, 1)[0];
  };
  const lane = async () => {
    while (queue.length > 0 && !signal.aborted) {
      const item = next();
      if (!item) {
        // every queued run waits for a body another lane trains
        const wake = changed.promise;
        await Promise.race([
          wake,
          new Promise((r) =>
            signal.addEventListener("abort", r, { once: true })
          ),
        ]);
        continue;
      }
      let slot: Slot;
      try {
        // a run another process trains: wait for it without holding a slot
        await waitUntilUnlocked(item.dir, { signal });
        slot = await takeSlot({ signal, limit: slots.limit });
      } catch {
        finished(item.dir);
        return; // stopped while waiting for a slot
      }
      try {
        await train(item.index);
      } finally {
        slot.release();
        finished(item.dir);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, todo.length) }, lane));
}

/** Whether a worker can load the same data again (from a path, or the synthetic set). */
function reloadable(opts: RunAllOptions): boolean {
  const ok = (src?: { synthetic: boolean; path?: string }) =>
    src === undefined || src.synthetic || src.path !== undefined;
  return ok(opts.colour?.data.source) && ok(opts.segmentation?.source);
}

function request(
  input: RunInput,
  opts: RunAllOptions,
  cacheDir: string,
): WorkerRequest {
  const c = opts.colour;
  const s = opts.segmentation;
  return {
    input,
    cacheDir,
    ...(c
      ? {
        cifar: {
          data: c.data.source.synthetic ? "synthetic" : c.data.source.path!,
          category: c.data.category,
          sha256: c.data.source.sha256,
          palette: {
            colours: Array.from(c.palette.colours),
            description: c.palette.description,
          },
        },
      }
      : {}),
    ...(s
      ? {
        segmentation: {
          data: s.source.synthetic ? "synthetic" : s.source.path!,
          size: s.train.size,
          sha256: s.source.sha256,
        },
      }
      : {}),
  };
}

async function trainHere(
  plan: PlannedRun,
  state: RunState,
  opts: RunAllOptions & { cacheDir: string },
  signal: AbortSignal,
  report: () => unknown,
  notes: string[],
): Promise<void> {
  const started = performance.now();
  state.status = "training";
  await report();
  try {
    const run = await trainOrLoad(plan.config, {
      colour: opts.colour,
      segmentation: opts.segmentation,
    }, {
      cacheDir: opts.cacheDir,
      signal,
      onLine: (l) => {
        notes.push(l);
        report();
      },
      onBatchEnd: (b) => {
        state.batch = b;
        state.elapsed = (performance.now() - started) / 1000;
        report();
      },
      onEpochEnd: (e) => {
        addEpoch(state, e);
        report();
      },
    });
    run.model.dispose();
    state.status = "done";
  } catch (e) {
    state.status = signal.aborted ? "stopped" : "failed";
    state.error = (e as Error).message;
  }
  await report();
}

async function trainInWorker(
  state: RunState,
  req: WorkerRequest,
  signal: AbortSignal,
  report: () => unknown,
  notes: string[],
): Promise<void> {
  const started = performance.now();
  state.status = "training";
  await report();
  let last: WorkerMessage | undefined;
  const exit = await runWorkerProcess<WorkerMessage>({
    script: new URL("./worker.ts", import.meta.url),
    arg: JSON.stringify(req),
    prefix: MESSAGE_PREFIX,
    env: { COLOURLAB_THREADS: "1" },
    signal,
    onMessage: (m) => {
      last = m;
      if (m.kind === "batch") {
        state.batch = m.report;
        state.elapsed = (performance.now() - started) / 1000;
      } else if (m.kind === "epoch") addEpoch(state, m.record);
      else if (m.kind === "line") notes.push(m.text);
      report();
    },
  });
  // a let assigned in a callback: TypeScript narrows it to undefined here
  const final = last as WorkerMessage | undefined;
  if (exit.code === 0 && final?.kind === "done") state.status = "done";
  else if (signal.aborted || final?.kind === "stopped") {
    state.status = "stopped";
  } else {
    state.status = "failed";
    state.error = final?.kind === "error"
      ? final.message
      : `the worker ended with code ${exit.code}${
        exit.stderrTail ? `: ${exit.stderrTail}` : ""
      }`;
  }
  await report();
}

/** Seconds left: running runs' own estimates, then the queue spread over the jobs. */
function eta(states: RunState[], jobs: number): number {
  // seconds per unit of estimated cost, from what has trained so far
  let seconds = 0;
  let cost = 0;
  for (const s of states) {
    if (s.status !== "training" && s.status !== "done") continue;
    const b = s.batch;
    if (!b) continue;
    const done = (b.epoch - 1 + b.images / b.epochImages) / s.numEpochs;
    if (done > 0) {
      seconds += s.elapsed;
      cost += s.estimate * done;
    }
  }
  if (cost === 0) return NaN;
  const rate = seconds / cost;
  const lanes = new Array(jobs).fill(0);
  const left = states.filter((s) =>
    s.status === "training" || s.status === "queued"
  )
    .map((s) => {
      const b = s.batch;
      const done = b
        ? (b.epoch - 1 + b.images / b.epochImages) / s.numEpochs
        : 0;
      return s.estimate * (1 - done) * rate;
    }).sort((a, b) => b - a);
  for (const t of left) {
    lanes.sort((a, b) => a - b);
    lanes[0] += t;
  }
  return Math.max(...lanes);
}

function interruptMessage(states: RunState[]): string {
  const stopped = states.filter((s) => s.status === "stopped");
  const where = stopped.map((s) => {
    const b = s.batch;
    const at = b
      ? `epoch ${b.epoch}, batch ${b.batch}`
      : "before its first batch";
    const kept = s.epochs.length > 0 || (b && b.epoch > 1)
      ? `its checkpoint after epoch ${
        b ? b.epoch - 1 : s.epochs.length
      } is kept`
      : "no epoch was complete";
    return `${s.label} at ${at} (${kept})`;
  });
  const waiting = states.filter((s) => s.status === "queued")
    .map((s) => `${s.label} not started`);
  return `training interrupted: ${
    [...where, ...waiting].join("; ") || "before any run started"
  }. ` +
    "Run the cell again to resume from the last complete epochs, with the same results.";
}
