/**
 * Display helpers for the notebooks: plots, images, tables, Markdown, live
 * training progress, and the headline numbers the report's index collects.
 *
 * The only module that touches `Deno.jupyter`. Outside the Jupyter kernel
 * (`deno run`, `deno test`) every function falls back to plain console output,
 * so a notebook's code also runs as a script.
 *
 * @module
 */

import type { BatchReport, EpochRecord } from "./train/types.ts";

/** A Jupyter MIME bundle: MIME type -> base64 (binary) or text content. */
export type MimeBundle = Record<string, string>;

/** One row of {@link showTable}: column name -> cell value. */
export type TableRow = Record<
  string,
  string | number | boolean | null | undefined
>;

/** A headline result for the report's index: one question, its measured answer. */
export interface Headline {
  /** The question, as the assignment asks it (short). */
  question: string;
  /** The measured answer, with units, e.g. "0.412 accuracy, 1.63 loss". */
  answer: string;
  /** The published or reference figure it is compared with, if any. */
  reference?: string;
}

/** Facts that every page of the report states (data set, backend, mode...). */
export type RunContext = Record<string, string | number | boolean>;

/**
 * Callbacks that render training progress in place; they match lib/train/fit.ts
 * `trainModel`'s `onBatchEnd` and `onEpochEnd` (1-based epochs and batches).
 */
export interface LiveProgress {
  /** After each optimizer step. */
  onBatchEnd(report: BatchReport): void;
  /** After each epoch, with its record. */
  onEpochEnd(record: EpochRecord): Promise<void>;
  /** Shows the final state; await it before the cell ends. */
  done(): Promise<void>;
}

/** The part of `Deno.jupyter` this module uses. */
interface JupyterApi {
  display(
    obj: unknown,
    options?: { raw?: boolean; display_id?: string },
  ): Promise<void>;
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void>;
}

/** `Deno.jupyter` inside the kernel, else undefined (its getter throws outside). */
function jupyter(): JupyterApi | undefined {
  try {
    return Deno.jupyter as unknown as JupyterApi;
  } catch {
    return undefined;
  }
}

/** True when running inside the Deno Jupyter kernel. */
export function inJupyter(): boolean {
  return jupyter() !== undefined;
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env
  }
}

/**
 * True in quick mode (`deno task report --quick` sets COLOURLAB_QUICK=1): notebooks
 * then train at most 1,000 images for at most 3 epochs.
 */
export function quickMode(): boolean {
  return env("COLOURLAB_QUICK") === "1";
}

/** Shows a MIME bundle, or prints its text/plain outside Jupyter. */
export async function display(bundle: MimeBundle): Promise<void> {
  const j = jupyter();
  if (j) await j.display(bundle, { raw: true });
  else console.log(bundle["text/plain"] ?? Object.keys(bundle).join(", "));
}

/** Base64 of bytes, chunked so large images do not overflow the call stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  )
    .replaceAll('"', "&quot;");
}

/**
 * Shows a figure from lib/plots.ts (an SVG string, or an element with outerHTML).
 * @see lib/plots.ts
 */
export async function showPlot(
  figure: string | { outerHTML: string },
  options: { title?: string } = {},
): Promise<void> {
  const svg = typeof figure === "string" ? figure : figure.outerHTML;
  const title = options.title ?? /<title>([^<]*)<\/title>/.exec(svg)?.[1] ??
    "plot";
  await display({ "image/svg+xml": svg, "text/plain": `[figure: ${title}]` });
}

/**
 * Shows PNG bytes (e.g. from lib/io/images.ts imageGrid), with an optional caption
 * below it. `width` sets the displayed width in CSS pixels.
 * @see lib/io/images.ts
 */
export async function showImage(
  png: Uint8Array,
  options: { caption?: string; width?: number } = {},
): Promise<void> {
  const j = jupyter();
  const caption = options.caption ?? "image";
  if (!j) {
    console.log(`[image: ${caption}, ${png.length} bytes]`);
    return;
  }
  const metadata = options.width
    ? { "image/png": { width: options.width } }
    : {};
  await j.broadcast("display_data", {
    data: { "image/png": toBase64(png), "text/plain": `[image: ${caption}]` },
    metadata,
    transient: {},
  });
  if (options.caption) await showMarkdown(`*${options.caption}*`);
}

/** Formats a table cell: numbers with `digits` significant digits, integers whole. */
function formatCell(value: TableRow[string], digits: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (Number.isInteger(value) || !Number.isFinite(value)) {
      return String(value);
    }
    return Number(value.toPrecision(digits)).toString();
  }
  return String(value);
}

/** An HTML table and an aligned plain-text table of `rows`. */
export function tableBundle(
  rows: TableRow[],
  options: { caption?: string; digits?: number } = {},
): MimeBundle {
  const digits = options.digits ?? 4;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c], digits)));
  const numeric = columns.map((c) =>
    rows.every((r) => typeof r[c] !== "string")
  );
  const align = (i: number) => numeric[i] ? ' style="text-align:right"' : "";
  const html = [
    "<table>",
    options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "",
    "<thead><tr>",
    ...columns.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`),
    "</tr></thead><tbody>",
    ...cells.map((r) =>
      `<tr>${
        r.map((v, i) => `<td${align(i)}>${escapeHtml(v)}</td>`).join("")
      }</tr>`
    ),
    "</tbody></table>",
  ].join("");
  const widths = columns.map((c, i) =>
    Math.max(c.length, ...cells.map((r) => r[i].length))
  );
  const line = (r: string[]) =>
    r.map((v, i) => numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const plain = [
    ...(options.caption ? [options.caption] : []),
    line(columns),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.map(line),
  ].join("\n");
  return { "text/html": html, "text/plain": plain };
}

/** Shows rows as a table (HTML in Jupyter, aligned text elsewhere). */
export async function showTable(
  rows: TableRow[],
  options: { caption?: string; digits?: number } = {},
): Promise<void> {
  await display(tableBundle(rows, options));
}

/** Shows Markdown (text elsewhere). */
export async function showMarkdown(markdown: string): Promise<void> {
  await display({ "text/markdown": markdown, "text/plain": markdown });
}

/** Appends one JSON line to the file the report runner names in COLOURLAB_HEADLINES. */
async function appendRecord(record: Record<string, unknown>): Promise<void> {
  const path = env("COLOURLAB_HEADLINES");
  if (!path) return;
  const line = JSON.stringify({
    notebook: env("COLOURLAB_NOTEBOOK") ?? null,
    ...record,
  });
  await Deno.writeTextFile(path, line + "\n", { append: true });
}

/**
 * Shows a headline result and records it for report/index.html (when the report
 * runner set COLOURLAB_HEADLINES).
 * @see lib/report/index_page.ts
 */
export async function recordHeadline(headline: Headline): Promise<void> {
  await appendRecord({ kind: "headline", ...headline });
  const ref = headline.reference ? ` (reference: ${headline.reference})` : "";
  await showMarkdown(`> **${headline.question}** ${headline.answer}${ref}`);
}

/**
 * Shows the facts of this run (backend, data set and hash, seed, mode, cache) as a
 * table and records them, so the report states them on the notebook's page.
 */
export async function recordContext(context: RunContext): Promise<void> {
  await appendRecord({ kind: "context", context });
  await showTable(
    Object.entries(context).map(([fact, value]) => ({ fact, value })),
    {
      caption: "Run context",
    },
  );
}

function seconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 90) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * Live training progress that updates one output in place: at most 4 updates a
 * second for batches, every epoch and the end always. Pass `onBatchEnd` and
 * `onEpochEnd` to `trainModel` and `await progress.done()` at the end of the cell.
 * Outside Jupyter it prints one line per epoch.
 * @see notebooks/01_colourization.ipynb
 */
export function liveProgress(
  label: string,
  options: { minIntervalMs?: number } = {},
): LiveProgress {
  const j = jupyter();
  const displayId = `progress-${crypto.randomUUID()}`;
  const minInterval = options.minIntervalMs ?? 250;
  const started = performance.now();
  const epochs: EpochRecord[] = [];
  let status = "starting";
  let fraction = 0;
  let lastShown = -Infinity;
  let finished = false;
  // Broadcasts are chained so they arrive in order although the trainer does not
  // await onBatchEnd.
  let chain: Promise<void> = j
    ? j.display({ "text/plain": `${label}: starting` }, {
      raw: true,
      display_id: displayId,
    })
    : Promise.resolve();

  function bundle(): MimeBundle {
    const elapsed = (performance.now() - started) / 1000;
    const eta = fraction > 0 && !finished
      ? elapsed / fraction * (1 - fraction)
      : NaN;
    const timing = finished
      ? `done in ${seconds(elapsed)}`
      : `${seconds(elapsed)} elapsed` +
        (Number.isFinite(eta) ? `, about ${seconds(eta)} left` : "");
    const head = `${label}: ${status} (${timing})`;
    const table = tableBundle(epochs.map((e) => ({
      epoch: e.epoch,
      "train loss": e.trainLoss,
      "val loss": e.valLoss,
      "val accuracy": e.valAccuracy,
      seconds: Number(e.seconds.toFixed(1)),
      "images/s": Math.round(e.imagesPerSecond),
    })));
    const bar = `<progress value="${fraction.toFixed(4)}" max="1" ` +
      `style="width:20em"></progress>`;
    const rows = epochs.length ? table["text/html"] : "";
    return {
      "text/html": `<div><b>${escapeHtml(head)}</b><br>${bar}${rows}</div>`,
      "text/plain": epochs.length ? `${head}\n${table["text/plain"]}` : head,
    };
  }

  function update(force: boolean): Promise<void> {
    const now = performance.now();
    if (!j || (!force && now - lastShown < minInterval)) return chain;
    lastShown = now;
    const content = bundle();
    chain = chain.then(() =>
      j.broadcast("update_display_data", {
        data: content,
        metadata: {},
        transient: { display_id: displayId },
      })
    );
    return chain;
  }

  let numEpochs = 0;
  return {
    onBatchEnd(r) {
      numEpochs = r.numEpochs;
      fraction = Math.min(
        1,
        (r.epoch - 1 + r.batch / r.batchesPerEpoch) / r.numEpochs,
      );
      status = `epoch ${r.epoch}/${r.numEpochs}, ` +
        `batch ${r.batch}/${r.batchesPerEpoch}, loss ${r.loss.toFixed(4)}`;
      update(false);
    },
    onEpochEnd(e) {
      epochs.push(e);
      const of = numEpochs ? `/${numEpochs}` : "";
      if (numEpochs) fraction = Math.min(1, e.epoch / numEpochs);
      status =
        `epoch ${e.epoch}${of} done, val loss ${e.valLoss.toFixed(4)}, ` +
        `val accuracy ${e.valAccuracy.toFixed(3)}`;
      if (!j) {
        console.log(
          `${label}: epoch ${e.epoch}${of} train loss ${
            e.trainLoss.toFixed(4)
          }` +
            ` val loss ${e.valLoss.toFixed(4)}` +
            ` val accuracy ${e.valAccuracy.toFixed(3)}` +
            ` (${e.seconds.toFixed(1)} s, ` +
            `${Math.round(e.imagesPerSecond)} images/s)`,
        );
      }
      return update(true);
    },
    done() {
      finished = true;
      fraction = 1;
      status = `finished ${epochs.length} epoch${
        epochs.length === 1 ? "" : "s"
      }`;
      if (!j) console.log(bundle()["text/plain"].split("\n")[0]);
      return update(true);
    },
  };
}
