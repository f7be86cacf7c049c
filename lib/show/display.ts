/**
 * Showing things in a notebook: Markdown, tables, figures, images, and
 * outputs updated in place. The only code that touches `Deno.jupyter`;
 * outside the Jupyter kernel (`deno run`, `deno test`) every function falls
 * back to plain console output, so a notebook's code also runs as a script.
 *
 * @module
 */
import { escapeHtml, toBase64 } from "../io/html.ts";
import { type MimeBundle, tableBundle, type TableRow } from "./table.ts";

/** The part of `Deno.jupyter` used here. */
interface JupyterApi {
  display(
    obj: unknown,
    options?: { raw?: boolean; display_id?: string },
  ): Promise<void>;
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void>;
}

/** `Deno.jupyter` inside the kernel, else undefined (its getter throws outside). */
export function jupyter(): JupyterApi | undefined {
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

/** Shows a MIME bundle, or prints its text/plain outside Jupyter. */
export async function display(bundle: MimeBundle): Promise<void> {
  const j = jupyter();
  if (j) await j.display(bundle, { raw: true });
  else console.log(bundle["text/plain"] ?? Object.keys(bundle).join(", "));
}

/** Shows Markdown (text elsewhere). */
export async function markdown(text: string): Promise<void> {
  await display({ "text/markdown": text, "text/plain": text });
}

/**
 * Shows rows as a table (HTML in Jupyter, aligned text elsewhere); with
 * `fold`, closed under that one-line summary (`<details>`) for tables a
 * reader checks rather than reads.
 */
export async function table(
  rows: TableRow[],
  options: { caption?: string; digits?: number; fold?: string } = {},
): Promise<void> {
  const bundle = tableBundle(rows, options);
  if (options.fold === undefined) return await display(bundle);
  await details(
    options.fold,
    bundle["text/html"],
    `${options.fold}\n${bundle["text/plain"]}`,
  );
}

/** Shows a figure of lib/plots (an SVG string, or an element with outerHTML). */
export async function plot(
  figure: string | { outerHTML: string },
  options: { title?: string } = {},
): Promise<void> {
  const svg = typeof figure === "string" ? figure : figure.outerHTML;
  const title = options.title ?? /<title>([^<]*)<\/title>/.exec(svg)?.[1] ??
    "plot";
  await display({ "image/svg+xml": svg, "text/plain": `[figure: ${title}]` });
}

/**
 * Shows PNG bytes (lib/io/images.ts makes them), with a caption below.
 * `width` sets the displayed width in CSS pixels.
 */
export async function image(
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
  if (options.caption) await markdown(`*${options.caption}*`);
}

/**
 * HTML that a reader opens on demand (`<details>`): in the notebook and in
 * the report, for context a reader may want but not first. `plain` is what
 * a frontend without HTML shows (default: the summary).
 */
export async function details(
  summary: string,
  html: string,
  plain = summary,
): Promise<void> {
  await display({
    "text/html": `<details><summary>${
      escapeHtml(summary)
    }</summary>${html}</details>`,
    "text/plain": plain,
  });
}

/** An output that can be replaced in place (a progress display). */
export interface LiveOutput {
  /** False outside Jupyter, where updates show nothing. */
  live: boolean;
  /** Replaces the output's content; updates are sent in order. */
  update(bundle: MimeBundle): Promise<void>;
}

/**
 * Shows `first` as an output that {@link LiveOutput.update} replaces in
 * place; outside Jupyter, updates print nothing (the caller prints lines).
 */
export function liveOutput(first: MimeBundle): LiveOutput {
  const j = jupyter();
  const id = `colourlab-${crypto.randomUUID()}`;
  // chained, so that updates sent without awaiting arrive in order
  let chain: Promise<void> = j
    ? j.display(first, { raw: true, display_id: id })
    : Promise.resolve();
  return {
    live: j !== undefined,
    update(bundle) {
      if (!j) return chain;
      chain = chain.then(() =>
        j.broadcast("update_display_data", {
          data: bundle,
          metadata: {},
          transient: { display_id: id },
        })
      );
      return chain;
    },
  };
}

export type { MimeBundle, TableRow };
