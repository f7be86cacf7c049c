/**
 * Part C's figures, from its studies: the scores per variant and seed
 * (lib/plots/dot_ranges.ts), the masks per variant as outcomes on the photos
 * (lib/plots/mask_outcomes.ts), the cost study's memory and time against n
 * and the ratios for a doubled input.
 *
 * @see notebooks/06_fine_tuning.ipynb
 * @module
 */
import type { SegmentationSet } from "../data/weizmann.ts";
import type { CostMode } from "../finetune/cost_study.ts";
import {
  dotRanges,
  type DotReference,
  type DotRow,
} from "../plots/dot_ranges.ts";
import {
  maskOutcomes,
  type MaskRow,
  spreadByScore,
} from "../plots/mask_outcomes.ts";
import { type Point, scatterWithFit } from "../plots/xy.ts";
import { type CostStudy, MODE_NAMES } from "./fine_tuning_cost.ts";
import type { FineTuningStudy, VariantScores } from "./fine_tuning.ts";
import { REFERENCES } from "./references.ts";

/** The panels of the score figure. */
export const SCORE_PANELS = {
  iou: "foreground IoU",
  thresholded: "thresholded IoU score (the original's metric)",
} as const;

function group(v: VariantScores): string {
  return v.body === "pre-trained"
    ? "pre-trained body"
    : v.body === "random"
    ? "random body"
    : "no network";
}

/**
 * Rows of the score figure (both metrics, every seed) and the original's
 * range as a band on the thresholded panel.
 */
export function scoreDots(
  s: FineTuningStudy,
): { rows: DotRow[]; references: DotReference[] } {
  const variants = [...s.variants, s.allHorse];
  const rows = (["iou", "thresholded"] as const).flatMap((metric) =>
    variants.map((v) => ({
      label: v.name,
      group: group(v),
      panel: SCORE_PANELS[metric],
      values: v.perSeed.map((p) => p[metric]),
    }))
  );
  const range = /^([\d.]+)-([\d.]+)/.exec(
    REFERENCES.segmentation.published ?? "",
  );
  const references: DotReference[] = range
    ? [{
      x: Number(range[1]),
      x2: Number(range[2]),
      label: `shaded: the original's ${range[1]}-${
        range[2]
      } (another network and data set)`,
      panel: SCORE_PANELS.thresholded,
    }]
    : [];
  return { rows, references };
}

/** One row per trained variant (first seed) and "all horse", for maskOutcomes. */
export function maskRows(s: FineTuningStudy): MaskRow[] {
  return [...s.variants, s.allHorse].filter((v) => s.masks[v.name]).map((
    v,
  ) => ({ label: v.name, masks: s.masks[v.name], iou: v.perImage }));
}

/** Points of one measured quantity against n, one series per mode (at S = s.size unless given). */
export function costPoints(
  s: CostStudy,
  quantity: "workBytes" | "cpuMs",
  size = s.size,
): Point[] {
  const scale = quantity === "cpuMs" ? 1 : 1 / 2 ** 20;
  return s.points.filter((p) => p.size === size).map((p) => ({
    x: p.n,
    y: p[quantity] * scale,
    series: MODE_NAMES[p.mode],
  }));
}

/** Rows of the C.5 figure: each quantity's ratio 2S / S, one value per n. */
export function sizeRatioRows(s: CostStudy): DotRow[] {
  const at = (mode: CostMode) =>
    s.ratios.filter((r) => r.mode === mode && r.size === s.smallSize);
  const modes: CostMode[] = ["a", "b", "c"];
  return [
    {
      label: "parameters",
      group: "parameters",
      values: at("a").map((r) => r.paramBytes),
    },
    ...modes.map((m) => ({
      label: `working memory, ${MODE_NAMES[m]}`,
      group: "working memory",
      values: at(m).map((r) => r.workBytes),
    })),
    ...modes.map((m) => ({
      label: `CPU time, ${MODE_NAMES[m]}`,
      group: "CPU time per step",
      values: at(m).map((r) => r.cpuMs),
    })),
  ].filter((r) => r.values.length > 0);
}

/** The key figure: each variant's scores on both metrics, the original's range. */
export function scoreFigure(s: FineTuningStudy): string {
  const { rows, references } = scoreDots(s);
  return dotRanges(rows, {
    title:
      "Test score of each way to fine-tune, and of calling every pixel horse",
    subtitle:
      `${s.photos.testImages} test photos; small dots: each seed; large dot and number: their mean; line: their range`,
    xLabel: "score on the test photos (1 = perfect)",
    xDomain: [0, 1],
    references,
  });
}

/**
 * PNG: `count` test photos spread from the best to the worst IoU of the
 * first variant, each variant's first-seed mask as outcomes, and the caption.
 */
export async function maskFigure(
  s: FineTuningStudy,
  test: SegmentationSet,
  count = 6,
): Promise<{ png: Uint8Array; caption: string }> {
  const rows = maskRows(s);
  const indices = spreadByScore(rows[0].iou, count);
  return {
    png: await maskOutcomes(test, rows, { indices }),
    caption:
      `${indices.length} test photos, from the best to the worst IoU of "${
        rows[0].label
      }" (first seed), with each variant's mask on the grey photo the network sees and its IoU`,
  };
}

const perBlock = (unit: string) => (v: number) =>
  `+${v.toFixed(2)} ${unit} per block`;

/** C.4's figures: working memory (linear scale) or CPU time (log scale) against n, per mode. */
export function costFigure(s: CostStudy, quantity: "memory" | "time"): string {
  const at = `S = ${s.size}, batch ${s.batchSize}`;
  const xTicks = [...new Set(s.points.map((p) => p.n))];
  return quantity === "memory"
    ? scatterWithFit(costPoints(s, "workBytes"), {
      title: `C.4: working memory of one step against n (${at})`,
      subtitle:
        "the peak of live tensors above what was live before the step; dashed: least-squares lines",
      xLabel: "n (dilated blocks)",
      yLabel: "MB",
      xTicks,
      linearFit: true,
      slopeText: perBlock("MB"),
    })
    : scatterWithFit(costPoints(s, "cpuMs"), {
      title: `C.4: CPU time of one step against n (${at})`,
      subtitle:
        `one panel per mode; log scale; ${s.backend}, ${s.threads} thread${
          s.threads === 1 ? "" : "s"
        }; dashed: least-squares lines`,
      xLabel: "n (dilated blocks)",
      yLabel: "ms of CPU time",
      xTicks,
      logY: true,
      linearFit: true,
      panels: true,
      slopeText: perBlock("ms"),
    });
}

/** C.5's figure: what doubling the input's height and width multiplies. */
export function sizeFigure(s: CostStudy): string {
  const rows = sizeRatioRows(s);
  const values = rows.flatMap((r) => r.values);
  // room left of x1 for the label over the parameters' dot
  const xDomain: [number, number] = [
    Math.min(0.8, 0.9 * Math.min(...values)),
    Math.max(5, 1.1 * Math.max(...values)),
  ];
  return dotRanges(rows, {
    xDomain,
    title:
      `C.5: what doubling the input's height and width multiplies (S = ${s.smallSize} to ${
        2 * s.smallSize
      })`,
    subtitle:
      "ratio of the value at 2S to the value at S; small dots: each n, large dot and number: their mean",
    xLabel: "ratio 2S / S (log scale)",
    logX: true,
    decimals: 2,
    references: [
      { x: 1, label: "x1: unchanged" },
      { x: 4, label: "x4: the number of pixels" },
    ],
  });
}
