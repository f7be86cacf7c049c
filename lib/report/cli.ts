/**
 * `deno task report [--quick] [--data PATH|synthetic] [--weizmann DIR|synthetic]`:
 * settles the data first (report_data.ts: in full mode a missing data set
 * stops the report here, before anything trains, with one message), runs
 * every notebook in a fresh Deno kernel and writes report/ (executed
 * notebooks, one HTML page each, index.html, and the live page try_it.html
 * with the trained models), then opens every page in headless Chromium and
 * saves screenshots, and checks the live page on wasm and WebGPU against Deno
 * (lib/report/live_check.ts). Exits 1 naming the notebook and cell on any
 * cell error.
 *
 * Options: --notebooks DIR (default notebooks), --out DIR (default report),
 * --cell-timeout S (0: no limit; default 3600 with --quick, else no limit:
 * a full report's training cells take as long as the machine needs), --keep-going (run the rest after a failure),
 * --one-at-a-time (the notebooks in order, not all at once),
 * --no-browser (skip the Chromium checks), --no-live (no live page).
 *
 * Ctrl-C or SIGTERM stops the notebook runner and its kernel before the
 * report exits (130 or 143); if the report itself is killed, the runner sees
 * its stdin close and stops them (lib/report/run_notebook.ts).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { DataError } from "../data/errors.ts";
import { downloadProgressBar } from "../data/download_progress.ts";
import { buildReport, type ReportSummary } from "./build.ts";
import { checkReportInBrowser } from "./browser_check.ts";
import { runLiveCommand } from "./live_run.ts";
import { settleReportData } from "./report_data.ts";
import { firstLinePattern, indexAlarms } from "./synthetic_alarm.ts";

/** The project's data folder (cache, downloads, data/weizmann-horses). */
const PROJECT_DATA = decodeURIComponent(
  new URL("../../data", import.meta.url).pathname,
);

/** Exit codes of a report stopped by a signal (128 + its number). */
const STOP_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Parses the command line; throws on unknown options. */
export function parseReportArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: "boolean", default: false },
      data: { type: "string" },
      weizmann: { type: "string" },
      notebooks: { type: "string", default: "notebooks" },
      out: { type: "string", default: "report" },
      "cell-timeout": { type: "string" },
      "keep-going": { type: "boolean", default: false },
      "one-at-a-time": { type: "boolean", default: false },
      "no-browser": { type: "boolean", default: false },
      "no-live": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return values;
}

/** What the first line of each page must say: its synthetic data, if any. */
export function firstLines(summary: ReportSummary): Record<string, RegExp[]> {
  const lines: Record<string, RegExp[]> = {};
  const pages = [
    { html: "index.html", use: summary.synthetic },
    ...summary.pages.map((p) => ({ html: p.html, use: p.synthetic })),
  ];
  for (const { html, use } of pages) {
    const pattern = use && firstLinePattern(use);
    if (html && pattern) lines[html] = [pattern];
  }
  return lines;
}

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseReportArgs(Deno.args);
  } catch (e) {
    console.error(`report: ${(e as Error).message}`);
    return 2;
  }
  if (opts.help) {
    console.log(
      "deno task report [--quick] [--data PATH|synthetic] [--weizmann DIR|synthetic]\n" +
        "  [--notebooks DIR] [--out DIR]\n" +
        "  [--cell-timeout S] [--keep-going] [--one-at-a-time] [--no-browser] [--no-live]",
    );
    return 0;
  }
  const bar = downloadProgressBar({
    write: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
    isTerminal: Deno.stderr.isTerminal(),
  });
  let settled;
  try {
    settled = await settleReportData({
      quick: opts.quick,
      data: opts.data ?? (Deno.env.get("COLOURLAB_DATA") || undefined),
      weizmann: opts.weizmann ??
        (Deno.env.get("COLOURLAB_WEIZMANN") || undefined),
      projectDataDir: PROJECT_DATA,
      download: { onProgress: bar.onProgress },
    });
  } catch (e) {
    bar.finish();
    if (!(e instanceof DataError)) throw e;
    console.error(`report: stopped before running any notebook.\n${e.message}`);
    return 1;
  }
  bar.finish();
  for (const note of settled.notes) console.error(`report: ${note}`);
  // Ctrl-C and SIGTERM stop the runner and its kernel, then the report.
  const stop = new AbortController();
  const onSignal = (sig: Deno.Signal) => () => {
    if (stop.signal.aborted) return;
    console.error(
      `report: ${sig}: stopping the notebook runner and its kernel`,
    );
    stop.abort(sig);
  };
  const listeners = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const listener = onSignal(sig);
    Deno.addSignalListener(sig, listener);
    return () => Deno.removeSignalListener(sig, listener);
  });
  const summary = await buildReport({
    notebooksDir: opts.notebooks,
    outDir: opts.out,
    quick: opts.quick,
    data: settled.data,
    weizmann: settled.weizmann,
    cellTimeoutS: cellTimeout(opts["cell-timeout"], opts.quick),
    keepGoing: opts["keep-going"],
    concurrency: opts["one-at-a-time"] ? 1 : undefined,
    live: !opts["no-live"],
    onProgress: (line) => console.log(line),
    signal: stop.signal,
  }).finally(() => listeners.forEach((remove) => remove()));
  if (summary.stopped) {
    console.error(
      `report: stopped by ${summary.stopped}; nothing left running`,
    );
    return STOP_CODES[summary.stopped] ?? 1;
  }
  console.log(
    `report: ${join(summary.outDir, "index.html")} (${
      summary.seconds.toFixed(0)
    } s)`,
  );
  // the index's alarms, once more where the reader is looking
  const alarms = indexAlarms(
    { cifar: settled.synthetic, shapes: settled.syntheticShapes },
    summary.pages.flatMap((p) =>
      p.synthetic ? [{ name: p.name, use: p.synthetic }] : []
    ),
  );
  for (const alarm of alarms) console.error(`report: ${alarm}`);
  let ok = summary.ok;
  for (const page of summary.pages.filter((p) => p.status === "failed")) {
    console.error(`report: FAILED ${page.name}.ipynb ${page.failure ?? ""}`);
  }
  if (summary.live && !summary.live.ok) {
    console.error(`report: FAILED live page: ${summary.live.failure ?? ""}`);
  }
  if (!opts["no-browser"]) {
    const check = await checkReportInBrowser(summary.outDir, {
      screenshotsDir: join(summary.outDir, "screenshots"),
      requireFigures: summary.ok,
      firstLines: firstLines(summary),
    });
    for (const p of check.pages) {
      console.log(
        `browser: ${p.page}: ${p.images} image(s), ${p.svgs} plot(s), ` +
          `${p.brokenImages.length} broken`,
      );
    }
    for (const problem of check.problems) console.error(`browser: ${problem}`);
    ok &&= check.problems.length === 0;
    if (summary.live?.ok) {
      // The live page on wasm and WebGPU, against Deno (its own process).
      const live = await runLiveCommand(
        ["check", "--out", summary.outDir],
        {},
        (line) => console.log(line),
      );
      ok &&= live.ok;
    }
  }
  return ok ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());

/** Seconds a cell may run: as given (0: no limit), else 3600 in quick mode and no limit in full mode. */
export function cellTimeout(given: string | undefined, quick: boolean): number {
  if (given === undefined) return quick ? 3600 : 0;
  const s = Number(given);
  if (!Number.isFinite(s) || s < 0) {
    throw new Error(
      `--cell-timeout must be a number of seconds (0: no limit), got ${given}`,
    );
  }
  return s;
}
