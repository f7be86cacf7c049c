/**
 * Rows, points and headlines of a fine-tuning study, ready for the
 * notebook's tables and plots (lib/show, lib/plots.ts).
 *
 * @module
 */
import type { CostMode, CostPoint } from "./cost_study.ts";
import type { StudyResult } from "./study.ts";

/** A table row (as lib/show/table.ts TableRow). */
export type StudyRow = Record<string, string | number | boolean>;

/** A plot point (as lib/plots.ts Point). */
export interface StudyPoint {
  x: number;
  y: number;
  series: string;
}

const MODE_NAMES: Record<CostMode, string> = {
  a: "(a) whole network",
  b: "(b) last layer, body on tape",
  c: "(c) last layer, body off tape",
};

function r3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * One row per variant: test IoU and thresholded IoU, mean and range over seeds.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function variantRows(study: StudyResult): StudyRow[] {
  return study.variants.map((s) => ({
    variant: s.variant,
    "IoU (mean)": r3(s.iou.mean),
    "IoU range": `${s.iou.min.toFixed(3)}-${s.iou.max.toFixed(3)}`,
    "thresholded IoU (mean)": r3(s.thresholdedIou.mean),
    "thresholded range": `${s.thresholdedIou.min.toFixed(3)}-${
      s.thresholdedIou.max.toFixed(3)
    }`,
    seeds: s.seeds,
  }));
}

/**
 * Points of one cost quantity against n, one series per (mode, S).
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function costPoints(
  cost: CostPoint[],
  quantity: "workBytes" | "peakBytes" | "stepMs",
  opts: { sizes?: number[]; modes?: CostMode[] } = {},
): StudyPoint[] {
  const scale = quantity === "stepMs" ? 1 : 1 / 2 ** 20;
  return cost
    .filter((p) => (opts.sizes ?? [p.size]).includes(p.size))
    .filter((p) => (opts.modes ?? [p.mode]).includes(p.mode))
    .map((p) => ({
      x: p.n,
      y: p[quantity] * scale,
      series: `${MODE_NAMES[p.mode]}, S=${p.size}`,
    }));
}

/**
 * One row per measured point, in MB and ms.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function costRows(cost: CostPoint[]): StudyRow[] {
  const mb = (b: number) => Math.round((b / 2 ** 20) * 100) / 100;
  return cost.map((p) => ({
    n: p.n,
    S: p.size,
    mode: p.mode,
    "peak MB": mb(p.peakBytes),
    "work MB": mb(p.workBytes),
    "params MB": mb(p.paramBytes),
    "grads MB": mb(p.gradBytes),
    "Adam MB": mb(p.optimizerBytes),
    "step ms": Math.round(p.stepMs),
  }));
}

/**
 * The headline: does last-layer fine-tuning of the pre-trained body beat
 * the random body and the trivial baselines?
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function fineTuneHeadline(
  study: StudyResult,
): { question: string; answer: string; reference: string } {
  const get = (v: string) => study.variants.find((s) => s.variant === v)!;
  const show = (v: string) => {
    const s = get(v);
    return `${v} ${s.iou.mean.toFixed(3)}${
      s.seeds > 1 ? ` (${s.iou.min.toFixed(3)}-${s.iou.max.toFixed(3)})` : ""
    }`;
  };
  const data = study.segmentationSource.synthetic
    ? "SYNTHETIC shapes"
    : "Weizmann horses";
  return {
    question:
      "C: fine-tune the last layer of a pre-trained segmentation network",
    answer:
      `test foreground IoU on ${data} (${study.testImages} images, ${study.size}x${study.size}, ` +
      `${get("last-layer-pretrained").seeds} seeds): ${
        [
          "last-layer-pretrained",
          "last-layer-random",
          "whole-network",
          "all-horse",
        ].map(show)
          .join("; ")
      }`,
    reference:
      "original (DeepLabV3-ResNet101 from COCO, Oxford flowers): mean IoU about 0.32-0.35",
  };
}

/**
 * Facts of the run for lib/show records (show.context).
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function studyContext(
  study: StudyResult & { fromCache?: boolean },
): StudyRow {
  return {
    mode: study.quick ? "quick" : "full",
    backend: study.backend,
    "pre-training data": study.pretrain.source.description,
    "pre-training synthetic": study.pretrain.source.synthetic,
    "segmentation data": study.segmentationSource.description,
    "segmentation synthetic": study.segmentationSource.synthetic,
    "colourization pixel accuracy": r3(study.pretrain.valAccuracy),
    "pre-trained weights": study.pretrain.dir,
    "study from cache": study.fromCache ?? false,
    "study seconds": Math.round(study.seconds),
  };
}
