/**
 * The reference figures (lib/analysis/references.json): PyTorch on the
 * shared archive, from the runs stored in bench/reference_runs, and the
 * numbers published by others. One data file, read by the notebooks, the
 * report's index and checked against the README's results table.
 *
 * @module
 */
import data from "./references.json" with { type: "json" };

/** A stored PyTorch run's final epoch. */
export interface PytorchRun {
  seed: number;
  file: string;
  accuracy: number;
  loss: number;
}

/** The references of one run. */
export interface Reference {
  label: string;
  pytorch: PytorchRun[];
  published: string | null;
  /** Who published it, when not others on the 1,000 validation horses. */
  publishedBy?: string;
}

/** The keys of the references. */
export type ReferenceKey = keyof typeof data.runs;

/** The references, by key. */
export const REFERENCES: Record<ReferenceKey, Reference> = data.runs;

/**
 * One line for a headline's "reference" column, e.g. "PyTorch on this
 * archive: 31.9% / 1.946 (seed 0), 23.0% / 2.215 (seed 1); published (1,000
 * horses): 31-33% / 1.88-1.94".
 */
export function referenceLine(key: ReferenceKey): string {
  const r = REFERENCES[key];
  const parts: string[] = [];
  if (r.pytorch.length > 0) {
    parts.push(
      `PyTorch on this archive: ${
        r.pytorch.map((p) =>
          `${(100 * p.accuracy).toFixed(1)}% / ${
            p.loss.toFixed(3)
          } (seed ${p.seed})`
        ).join(", ")
      }`,
    );
  }
  if (r.published) {
    parts.push(
      `published (${r.publishedBy ?? "1,000 horses"}): ${r.published}`,
    );
  }
  return parts.join("; ");
}
