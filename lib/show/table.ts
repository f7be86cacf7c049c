/**
 * Tables for people: HTML for Jupyter and the report, aligned text elsewhere.
 *
 * @module
 */
import { escapeHtml } from "../io/html.ts";

/** A Jupyter MIME bundle: MIME type -> base64 (binary) or text content. */
export type MimeBundle = Record<string, string>;

/** One row of a table: column name -> cell value. */
export type TableRow = Record<
  string,
  string | number | boolean | null | undefined
>;

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
