/**
 * What a notebook tells the report besides its outputs: its headline
 * answers (the report's index table) and the facts of its run (backend,
 * data set, seed, mode), one JSON line each in the file the report runner
 * names in COLOURLAB_HEADLINES. Outside the report nothing is written.
 *
 * @module
 */
import { details } from "./display.ts";
import { tableBundle } from "./table.ts";

/** A headline result for the report's index: one question, its measured answer. */
export interface Headline {
  /** The question, as the assignment asks it (short). */
  question: string;
  /** The measured answer, with units and what the numbers are. */
  answer: string;
  /** The published or reference figure it is compared with, if any. */
  reference?: string;
}

/** Facts that every page of the report states (data set, backend, mode...). */
export type RunContext = Record<string, string | number | boolean>;

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env
  }
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

/** Records a headline answer for report/index.html (the notebook shows its answer itself). */
export async function headline(h: Headline): Promise<void> {
  await appendRecord({ kind: "headline", ...h });
}

/**
 * Records the facts of this run for the report's page and shows them folded
 * (`<details>`), under a one-line summary.
 */
export async function context(
  facts: RunContext,
  summary = "Run context",
): Promise<void> {
  await appendRecord({ kind: "context", context: facts });
  const rows = Object.entries(facts).map(([fact, value]) => ({ fact, value }));
  await details(summary, tableBundle(rows)["text/html"]);
}
