/**
 * `deno task report [--quick] [--data PATH|synthetic]`: runs every notebook in a
 * fresh Deno kernel and writes report/ (executed notebooks, one HTML page each,
 * index.html, and the live page try_it.html with the trained models), then opens
 * every page in headless Chromium and saves screenshots, and checks the live
 * page on wasm and WebGPU against Deno (lib/report/live_check.ts).
 * Exits 1 naming the notebook and cell on any cell error.
 *
 * Options: --notebooks DIR (default notebooks), --out DIR (default report),
 * --cell-timeout S (default 3600), --keep-going (run the rest after a failure),
 * --no-browser (skip the Chromium checks), --no-live (no live page).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { buildReport } from "./build.ts";
import { checkReportInBrowser } from "./browser_check.ts";
import { runLiveCommand } from "./live_run.ts";

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
      "cell-timeout": { type: "string", default: "3600" },
      "keep-going": { type: "boolean", default: false },
      "no-browser": { type: "boolean", default: false },
      "no-live": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return values;
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
        "  [--cell-timeout S] [--keep-going] [--no-browser] [--no-live]",
    );
    return 0;
  }
  // Part C's horse photos: passed to the kernels like every COLOURLAB_* variable
  if (opts.weizmann) {
    Deno.env.set(
      "COLOURLAB_WEIZMANN",
      opts.weizmann === "synthetic" ? "synthetic" : resolve(opts.weizmann),
    );
  }
  const summary = await buildReport({
    notebooksDir: opts.notebooks,
    outDir: opts.out,
    quick: opts.quick,
    data: opts.data ?? Deno.env.get("COLOURLAB_DATA"),
    cellTimeoutS: Number(opts["cell-timeout"]),
    keepGoing: opts["keep-going"],
    live: !opts["no-live"],
    onProgress: (line) => console.log(line),
  });
  console.log(
    `report: ${join(summary.outDir, "index.html")} (${
      summary.seconds.toFixed(0)
    } s)`,
  );
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
