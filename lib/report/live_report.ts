/**
 * Puts the live parts into a report folder: the models and data
 * (`live/models/`, `live/data.js`), the bundle (`live/live.js`), the
 * try-it page, and the A.4 section and links on the notebook pages.
 *
 * @module
 */
import { join } from "node:path";
import { buildLiveBundle, type LiveBundle } from "./live_bundle.ts";
import {
  exportLiveData,
  type LiveExport,
  type LiveExportInput,
} from "./live_export.ts";
import {
  addLiveToNotebookPages,
  TRY_IT_PAGE,
  tryItPageHtml,
} from "./live_page.ts";
import type { Banner } from "./to_html.ts";

/** What {@link writeLiveReport} wrote and how big it is. */
export interface LiveReport {
  page: string;
  exported: LiveExport;
  bundle: LiveBundle;
  /** Notebook pages that got the A.4 section or a link. */
  notebookPages: string[];
  /** Every byte the live parts add: data.js, the tfjs-format models, the bundle, the page. */
  addedBytes: number;
}

/** Writes the live parts of a report into `reportDir` (see the module doc). */
export async function writeLiveReport(
  reportDir: string,
  input: LiveExportInput,
  banner: Banner,
): Promise<LiveReport> {
  const liveDir = join(reportDir, "live");
  const exported = await exportLiveData(input, liveDir);
  const bundle = await buildLiveBundle(join(liveDir, "live.js"));
  const html = tryItPageHtml({
    banner,
    facts: input.facts,
    models: Object.values(exported.data.models).map((m) => m!.description),
  });
  const page = join(reportDir, TRY_IT_PAGE);
  await Deno.writeTextFile(page, html);
  const notebookPages = await addLiveToNotebookPages(reportDir);
  return {
    page,
    exported,
    bundle,
    notebookPages,
    addedBytes: exported.dataBytes + exported.modelBytes + bundle.bytes +
      new TextEncoder().encode(html).length,
  };
}
