/**
 * The report: runs every notebooks/NN_*.ipynb in order in a fresh Deno kernel,
 * keeps the executed copies, makes one self-contained HTML page per notebook and
 * an index with the headline numbers. Progress goes through a callback.
 *
 * @see lib/report/cli.ts
 * @module
 */

import { basename, join, resolve } from "node:path";
import type { RunContext } from "../notebook.ts";
import { indexHtml, type LiveSummary, type PageSummary } from "./index_page.ts";
import { TRY_IT_PAGE } from "./live_page.ts";
import { runLiveCommand } from "./live_run.ts";
import { readRecords } from "./records.ts";
import { runNotebook } from "./run_notebook.ts";
import { type Banner, notebookToHtml } from "./to_html.ts";

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
  /** Seconds one cell may run (default 3600). */
  cellTimeoutS?: number;
  /** Run the remaining notebooks after a failure (default: stop). */
  keepGoing?: boolean;
  /** Add the live page (lib/report/live_cli.ts export; default false, the CLI's default true). */
  live?: boolean;
  /** Progress lines for people. */
  onProgress?: (line: string) => void;
}

/** The outcome, also written to `outDir/summary.json`. */
export interface ReportSummary {
  ok: boolean;
  outDir: string;
  quick: boolean;
  data?: string;
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

/** What the top of every page says. */
function bannerFor(
  options: ReportOptions,
  context: RunContext,
  indexHref?: string,
): Banner {
  const warnings: string[] = [];
  if (options.quick) {
    warnings.push(
      "Quick mode: at most 1,000 training images and 3 epochs per run; not the full results",
    );
  }
  const synthetic = options.data === "synthetic" ||
    context.synthetic === true ||
    /synthetic/i.test(String(context.data ?? ""));
  if (synthetic) warnings.push("Synthetic data, not CIFAR-10");
  const facts = Object.entries(context)
    .filter(([key]) => key !== "synthetic")
    .map(([key, value]) => `${key}: ${value}`);
  if (!Object.keys(context).length && options.data) {
    facts.push(`data: ${options.data}`);
  }
  return { warnings, facts, indexHref };
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
  const pages: PageSummary[] = [];
  let stopped = false;
  for (const [i, notebook] of notebooks.entries()) {
    const name = basename(notebook, ".ipynb");
    if (stopped) {
      pages.push({ name, status: "not run", headlines: [], context: {} });
      continue;
    }
    say(`[${i + 1}/${notebooks.length}] ${name}`);
    const executed = join(outDir, "notebooks", `${name}.ipynb`);
    const run = await runNotebook(notebook, {
      out: executed,
      cellTimeoutS: options.cellTimeoutS,
      onLine: (line) => say(`    ${line.trim()}`),
      env: {
        COLOURLAB_QUICK: options.quick ? "1" : "0",
        ...(data ? { COLOURLAB_DATA: data } : {}),
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
    const hasExecuted = await Deno.stat(executed).then(() => true, () => false);
    if (hasExecuted) {
      const html = `${name}.html`;
      await notebookToHtml(
        executed,
        join(outDir, html),
        bannerFor(options, page.context, "index.html"),
      );
      page.html = html;
    }
    pages.push(page);
    say(
      run.ok
        ? `    ok in ${run.seconds.toFixed(1)} s`
        : `    FAILED ${name}: ${run.failure}`,
    );
    if (!run.ok && !options.keepGoing) stopped = true;
  }
  // The live page: the notebooks' models, with the notebooks' settings.
  let live: LiveSummary | undefined;
  if (options.live && pages.every((p) => p.status === "ok")) {
    say("[live] try_it.html");
    const run = await runLiveCommand(["export", "--out", outDir], {
      COLOURLAB_QUICK: options.quick ? "1" : "0",
      ...(data ? { COLOURLAB_DATA: data } : {}),
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
  const index = indexHtml({
    title: options.quick ? "colourlab report (quick mode)" : "colourlab report",
    pages,
    banner: bannerFor(options, pickShared(allContext, pages)),
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
