/**
 * What the report says, first and loudly, when synthetic data stands in for
 * the assignment's: on the terminal, as the first line of every page it
 * concerns, and on the index. Read from the run context each notebook
 * records (lib/show `context`), so it holds whatever the
 * notebooks' cells look like.
 *
 * @module
 */
import type { RunContext } from "../show/records.ts";

/** The words used everywhere for synthetic CIFAR-10. */
export const SYNTHETIC_CIFAR = "synthetic data, not CIFAR-10";

/** The same for Part C's shapes. */
export const SYNTHETIC_SHAPES =
  "synthetic shapes, not the Weizmann horse photos";

/** What stood in for what on one page (or the whole report). */
export interface SyntheticUse {
  /** CIFAR-10 replaced by the synthetic scenes (training or pre-training). */
  cifar: boolean;
  /** The Weizmann photos replaced by synthetic shapes. */
  shapes: boolean;
}

/**
 * What a notebook's recorded context says it ran on: `synthetic` (the
 * colourization notebooks), `pre-training synthetic` and `segmentation
 * synthetic` (Part C), or a data description that says so.
 */
export function syntheticUse(context: RunContext): SyntheticUse {
  return {
    cifar: context.synthetic === true ||
      context["pre-training synthetic"] === true ||
      /\bsynthetic\b/i.test(String(context.data ?? "")),
    shapes: context["segmentation synthetic"] === true,
  };
}

/** The alarm lines of a page (none when it used real data only). */
export function pageAlarms(use: SyntheticUse): string[] {
  const alarms: string[] = [];
  if (use.cifar) {
    alarms.push(
      `${SYNTHETIC_CIFAR.toUpperCase()}: the numbers and pictures on this ` +
        `page come from built-in synthetic scenes, not from the assignment's data.`,
    );
  }
  if (use.shapes) {
    alarms.push(
      `${SYNTHETIC_SHAPES.toUpperCase()}: Part C's numbers and pictures come ` +
        `from built-in synthetic shapes.`,
    );
  }
  return alarms;
}

/**
 * The index's alarm lines: for the whole report when it ran on synthetic
 * data, else naming the pages that did.
 */
export function indexAlarms(
  report: SyntheticUse,
  pages: { name: string; use: SyntheticUse }[],
): string[] {
  const alarms: string[] = [];
  const where = (pick: (u: SyntheticUse) => boolean) =>
    pages.filter((p) => pick(p.use)).map((p) => p.name).join(", ");
  if (report.cifar) {
    alarms.push(
      `${SYNTHETIC_CIFAR.toUpperCase()}: this report ran on built-in ` +
        `synthetic scenes; none of its numbers answers the assignment.`,
    );
  } else if (where((u) => u.cifar)) {
    alarms.push(
      `${SYNTHETIC_CIFAR.toUpperCase()} in ${where((u) => u.cifar)}.`,
    );
  }
  if (report.shapes || where((u) => u.shapes)) {
    alarms.push(
      `${SYNTHETIC_SHAPES.toUpperCase()}${
        where((u) => u.shapes) ? ` in ${where((u) => u.shapes)}` : " in Part C"
      }.`,
    );
  }
  return alarms;
}

/**
 * What the first line of a page (or the index) with this use must say: the
 * first of its alarms; undefined for real data only.
 */
export function firstLinePattern(use: SyntheticUse): RegExp | undefined {
  if (use.cifar) return new RegExp(SYNTHETIC_CIFAR, "i");
  if (use.shapes) return new RegExp(SYNTHETIC_SHAPES, "i");
  return undefined;
}
