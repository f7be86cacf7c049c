/**
 * Reads what the notebooks recorded through lib/show `headline` and
 * `context`: one JSON object per line in the file named by
 * COLOURLAB_HEADLINES.
 *
 * @see lib/show/records.ts
 * @module
 */

import type { Headline, RunContext } from "../show/records.ts";

/** What one notebook recorded. */
export interface NotebookRecords {
  headlines: Headline[];
  /** The facts of its run, merged in the order recorded. */
  context: RunContext;
}

/** Groups the records of a JSON-lines file by notebook; bad lines are skipped. */
export function parseRecords(text: string): Map<string, NotebookRecords> {
  const byNotebook = new Map<string, NotebookRecords>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      continue; // a notebook killed mid-write leaves half a line
    }
    const name = String(record.notebook ?? "");
    const entry = byNotebook.get(name) ?? { headlines: [], context: {} };
    byNotebook.set(name, entry);
    if (record.kind === "headline" && typeof record.question === "string") {
      entry.headlines.push({
        question: record.question,
        answer: String(record.answer ?? ""),
        ...(record.reference !== undefined
          ? { reference: String(record.reference) }
          : {}),
      });
    } else if (
      record.kind === "context" && typeof record.context === "object"
    ) {
      Object.assign(entry.context, record.context);
    }
  }
  return byNotebook;
}

/** Reads and parses the records file; an absent file means no records. */
export async function readRecords(
  path: string,
): Promise<Map<string, NotebookRecords>> {
  try {
    return parseRecords(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return new Map();
    throw e;
  }
}
