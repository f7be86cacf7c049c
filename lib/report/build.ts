/**
 * The report: runs every notebooks/NN_*.ipynb, each in a fresh Deno kernel,
 * all at once by default (their runs share the machine-wide cap on training
 * workers, and a run two notebooks need trains once), keeps the executed
 * copies, makes one self-contained HTML page per notebook and an index with
 * the headline numbers. Progress goes through a callback.
 *
 * @see lib/report/cli.ts
 * @module
 */

import { basename, join, resolve } from "node:path";
import type { RunContext } from "../show/records.ts";
import { indexHtml, type LiveSummary, type PageSummary } from "./index_page.ts";
import { TRY_IT_PAGE } from "./live_page.ts";
import { runLiveCommand } from "./live_run.ts";
import { readRecords } from "./records.ts";
import { runNotebook } from "./run_notebook.ts";
import {
  indexAlarms,
  pageAlarms,
  SYNTHETIC_CIFAR,
  type SyntheticUse,
  syntheticUse,
} from "./synthetic_alarm.ts";
import { type Banner, notebookToHtml } from "./to_html.ts";
import { QUICK_CAPS } from "../run/run_all.ts";

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** Folder of the NN_topic.ipynb notebooks (default "notebooks"). */
  notebooksDir?: string;
  /** Output folder, emptied first (default "report"). */
  outDir?: string;
  /** Quick mode: COLOURLAB_QUICK=1 for the notebooks, and said on every page. */
  quick?: boolean;
  /** A data path or "synthetic", passed as COLOURLAB_DATA. */
  data?: string;
  /** Part C's photos: a folder or "synthetic", passed as COLOURLAB_WEIZMANN. */
  weizmann?: string;
  /** Seconds one cell may run, 0 for no limit (default: the runner's 3600). */
  cellTimeoutS?: number;
  /** Run the remaining notebooks after a failure (default: stop). */
  keepGoing?: boolean;
  /** Notebooks run at once (default: all of them; 1 runs them in order). */
  concurrency?: number;
  /** Add the live page (lib/report/live_cli.ts export; default false, the CLI's default true). */
  live?: boolean;
  /** Progress lines for people. */
  onProgress?: (line: string) => void;
  /** Stops the notebook that runs (its runner and kernel) and the rest. */
  signal?: AbortSignal;
}

/** The outcome, also written to `outDir/summary.json`. */
export interface ReportSummary {
  ok: boolean;
  outDir: string;
  quick: boolean;
  data?: string;
  /** What synthetic data stood in for, anywhere in the report. */
  synthetic: SyntheticUse;
  /** Why it stopped early, e.g. "SIGTERM", when it was stopped. */
  stopped?: string;
  seconds: number;
  pages: PageSummary[];
  /** The live page (try_it.html), when one was attempted. */
  live?: LiveSummary;
}

/** The file that marks a folder as a report this code may empty. */
const MARKER = ".colourlab-report";

/** The notebooks of the report: NN_topic.ipynb, in name order. */
export async function listNotebooks(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /^\d{2}_[\w-]+\.ipynb$/.test(entry.name)) {
      names.push(entry.name);
    }
  }
  return names.sort().map((n) => join(dir, n));
}

/** Empties `dir` if it is a previous report (or empty); refuses anything else. */
async function emptyReportDir(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) entries.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    entries = [];
  }
  if (entries.length && !entries.includes(MARKER)) {
    throw new Error(
      `${dir} is not empty and is not a previous report (no ${MARKER}): not emptying it`,
    );
  }
  await Deno.remove(dir, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  await Deno.mkdir(join(dir, "notebooks"), { recursive: true });
  await Deno.writeTextFile(
    join(dir, MARKER),
    "made by deno task report; emptied on each run\n",
  );
}

/** What the report as a whole ran on, from its options. */
function reportUse(options: ReportOptions): SyntheticUse {
  return {
    cifar: options.data === "synthetic",
    shapes: options.weizmann === "synthetic",
  };
}

/** How the data line states a context fact, for the facts it usually states. */
const DATA_LINE_SAYS: Record<string, (value: string) => string> = {
  "data sha256": (v) => `sha256 ${v}`,
  "training images": (v) => `: ${v} training`,
  "validation images": (v) => ` ${v} validation`,
};

/** What the top of a page says: first its alarms, then mode and facts. */
export function bannerFor(
  options: ReportOptions,
  context: RunContext,
  alarms: string[],
  indexHref?: string,
): Banner {
  const warnings: string[] = [];
  if (options.quick) {
    warnings.push(
      `Quick mode: at most ${QUICK_CAPS.limitTrain} training images and ${QUICK_CAPS.numEpochs} epochs per run; not the full results`,
    );
  }
  // The data line already names its checksum and image counts; the banner
  // says each fact once (the page's run context table keeps them all).
  const dataLine = String(context.data ?? "");
  const facts = Object.entries(context)
    .filter(([key]) => !/synthetic$/.test(key))
    .filter(([key, value]) =>
      !DATA_LINE_SAYS[key] ||
      !dataLine.includes(DATA_LINE_SAYS[key](String(value)))
    )
    .map(([key, value]) => `${key}: ${value}`);
  if (!Object.keys(context).length && options.data) {
    facts.push(`data: ${options.data}`);
  }
  return { alarms, warnings, facts, indexHref };
}

/**
 * Builds the report. Never throws for a failing notebook: the summary says which
 * notebook and cell failed (`ok` false), and its page shows the error.
 */
export async function buildReport(
  options: ReportOptions = {},
): Promise<ReportSummary> {
  const notebooksDir = options.notebooksDir ?? "notebooks";
  const outDir = resolve(options.outDir ?? "report");
  const say = options.onProgress ?? (() => {});
  const notebooks = await listNotebooks(notebooksDir);
  if (!notebooks.length) {
    throw new Error(`no NN_topic.ipynb notebooks in ${notebooksDir}`);
  }
  await emptyReportDir(outDir);
  const recordsFile = join(outDir, "records.jsonl");
  const data = options.data && options.data !== "synthetic"
    ? resolve(options.data)
    : options.data;
  const started = performance.now();
  const pages: PageSummary[] = new Array(notebooks.length);
  const uses: { name: string; use: SyntheticUse }[] = [];
  let stopped = false;
  const one = async (i: number) => {
    const notebook = notebooks[i];
    const name = basename(notebook, ".ipynb");
    if (stopped || options.signal?.aborted) {
      pages[i] = { name, status: "not run", headlines: [], context: {} };
      return;
    }
    say(`[${i + 1}/${notebooks.length}] ${name}: started`);
    const executed = join(outDir, "notebooks", `${name}.ipynb`);
    const run = await runNotebook(notebook, {
      out: executed,
      cellTimeoutS: options.cellTimeoutS,
      onLine: (line) => say(`    ${line.trim()}`),
      signal: options.signal,
      env: {
        COLOURLAB_QUICK: options.quick ? "1" : "0",
        ...(data ? { COLOURLAB_DATA: data } : {}),
        ...(options.weizmann ? { COLOURLAB_WEIZMANN: options.weizmann } : {}),
        COLOURLAB_HEADLINES: recordsFile,
        COLOURLAB_NOTEBOOK: name,
        COLOURLAB_REPORT: "1",
      },
    });
    const records = (await readRecords(recordsFile)).get(name) ??
      { headlines: [], context: {} };
    const page: PageSummary = {
      name,
      status: run.ok ? "ok" : "failed",
      seconds: run.seconds,
      failure: run.failure,
      headlines: records.headlines,
      context: records.context,
    };
    pages[i] = page;
    if (options.signal?.aborted) {
      say(`    ${name}: stopped: ${run.failure}`);
      stopped = true;
      return;
    }
    const reported = syntheticUse(page.context);
    const use = {
      cifar: reported.cifar || reportUse(options).cifar,
      shapes: reported.shapes,
    };
    uses.push({ name, use });
    page.synthetic = use;
    const alarms = pageAlarms(use);
    const hasExecuted = await Deno.stat(executed).then(() => true, () => false);
    if (hasExecuted) {
      const html = `${name}.html`;
      await notebookToHtml(
        executed,
        join(outDir, html),
        bannerFor(options, page.context, alarms, "index.html"),
        options.signal,
      ).catch((e) => {
        if (!options.signal?.aborted) throw e; // else stopped: say no more
      });
      page.html = html;
    }
    const warn = use.cifar ? ` · ${SYNTHETIC_CIFAR.toUpperCase()}` : "";
    say(
      run.ok
        ? `[${i + 1}/${notebooks.length}] ${name}: ok in ${
          run.seconds.toFixed(1)
        } s${warn}`
        : `    FAILED ${name}: ${run.failure}`,
    );
    if (!run.ok && !options.keepGoing) stopped = true;
  };
  const queue = notebooks.map((_, i) => i);
  const lanes = Math.max(1, options.concurrency ?? notebooks.length);
  await Promise.all(
    Array.from({ length: Math.min(lanes, queue.length) }, async () => {
      while (queue.length > 0) await one(queue.shift()!);
    }),
  );
  uses.sort((a, b) => a.name.localeCompare(b.name));
  // The live page: the notebooks' models, with the notebooks' settings.
  let live: LiveSummary | undefined;
  if (options.live && pages.every((p) => p.status === "ok")) {
    say("[live] try_it.html");
    const run = await runLiveCommand(["export", "--out", outDir], {
      COLOURLAB_QUICK: options.quick ? "1" : "0",
      ...(data ? { COLOURLAB_DATA: data } : {}),
      ...(options.weizmann ? { COLOURLAB_WEIZMANN: options.weizmann } : {}),
    }, (line) => say(`    ${line}`));
    live = {
      ok: run.ok,
      seconds: run.seconds,
      ...(run.ok ? { html: TRY_IT_PAGE } : { failure: run.failure }),
    };
  }
  const seconds = (performance.now() - started) / 1000;
  const allContext = Object.assign(
    {},
    ...pages.map((p) => p.context),
  ) as RunContext;
  const synthetic = {
    cifar: uses.some((u) => u.use.cifar) || reportUse(options).cifar,
    shapes: uses.some((u) => u.use.shapes) || reportUse(options).shapes,
  };
  const index = indexHtml({
    title: options.quick ? "colourlab report (quick mode)" : "colourlab report",
    pages,
    banner: bannerFor(
      options,
      pickShared(allContext, pages),
      indexAlarms(reportUse(options), uses),
    ),
    seconds,
    createdAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    live,
  });
  await Deno.writeTextFile(join(outDir, "index.html"), index);
  const summary: ReportSummary = {
    ok: pages.every((p) => p.status === "ok") && live?.ok !== false,
    outDir,
    quick: Boolean(options.quick),
    ...(options.data ? { data: options.data } : {}),
    synthetic,
    ...(options.signal?.aborted
      ? { stopped: String(options.signal.reason) }
      : {}),
    seconds,
    pages,
    ...(live ? { live } : {}),
  };
  await Deno.writeTextFile(
    join(outDir, "summary.json"),
    JSON.stringify(summary, null, 2) + "\n",
  );
  return summary;
}

/** The facts every notebook that recorded context agrees on (for the index banner). */
function pickShared(all: RunContext, pages: PageSummary[]): RunContext {
  const withContext = pages.filter((p) => Object.keys(p.context).length);
  const shared: RunContext = {};
  for (const [key, value] of Object.entries(all)) {
    if (withContext.every((p) => p.context[key] === value)) shared[key] = value;
  }
  return shared;
}
