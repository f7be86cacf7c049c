/**
 * Questions C.4 and C.5 measured: the cost study's points (one optimizer
 * step of the DeepLab-style network at each n and S, in three modes) turned
 * into slopes per extra block and ratios for a doubled input, and the
 * answers and findings written from them, the wording chosen by the numbers
 * (what grows with n, what stays flat, by what factor memory grows).
 *
 * @see notebooks/06_fine_tuning.ipynb
 * @module
 */
import {
  type CostSlope,
  fitCostSlopes,
  type SizeRatio,
  sizeRatios,
} from "../finetune/cost_fit.ts";
import type { CostMode, CostPoint } from "../finetune/cost_study.ts";
import type { Headline } from "../show/records.ts";

/** Everything the C.4 and C.5 answers are written from. */
export interface CostStudy {
  points: CostPoint[];
  slopes: CostSlope[];
  ratios: SizeRatio[];
  /** The S of the C.4 answer: the largest measured. */
  size: number;
  /** The S that C.5 doubles (the smallest with a point at 2S). */
  smallSize: number;
  batchSize: number;
  /** Bytes of parameters each extra block adds (held in every mode). */
  paramBytesPerBlock: number;
  backend: string;
  threads: number;
}

/** The modes' names, as the figures and tables print them. */
export const MODE_NAMES: Record<CostMode, string> = {
  a: "(a) whole network",
  b: "(b) last layer, body on the tape",
  c: "(c) last layer, body off the tape",
};

/** Slopes and ratios of the measured points. */
export function costStudy(
  result: { points: CostPoint[]; backend: string; threads: number },
): CostStudy {
  const points = result.points;
  const size = Math.max(...points.map((p) => p.size));
  const ratios = sizeRatios(points);
  const series = points.filter((p) => p.mode === "a" && p.size === size)
    .sort((p, q) => p.n - q.n);
  const first = series[0];
  const last = series.at(-1)!;
  return {
    points,
    slopes: fitCostSlopes(points),
    ratios,
    size,
    smallSize: ratios.length > 0
      ? Math.min(...ratios.map((r) => r.size))
      : size,
    batchSize: points[0]?.batchSize ?? 0,
    paramBytesPerBlock: last.n > first.n
      ? (last.paramBytes - first.paramBytes) / (last.n - first.n)
      : 0,
    backend: result.backend,
    threads: result.threads,
  };
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
/** "+1.25" or "-0.02"; "+0.00" for a slope that rounds to 0. */
const signed = (v: number, digits: number) => {
  const t = Math.abs(v).toFixed(digits);
  return `${v < 0 && Number(t) !== 0 ? "-" : "+"}${t}`;
};
const plusMb = (bytes: number) => signed(bytes / 2 ** 20, 2);
const x = (v: number) => `x${v.toFixed(2)}`;

function slope(s: CostStudy, mode: CostMode): CostSlope {
  return s.slopes.find((q) => q.mode === mode && q.size === s.size)!;
}

/** Mean ratio 2S / S over n of one mode and quantity. */
export function meanRatio(
  s: CostStudy,
  mode: CostMode,
  quantity: "workBytes" | "paramBytes" | "cpuMs",
): number {
  const rs = s.ratios.filter((r) => r.mode === mode && r.size === s.smallSize);
  return rs.reduce((a, r) => a + r[quantity], 0) / Math.max(1, rs.length);
}

/** Memory per block of a mode counts as flat below 5% of the whole network's. */
function flat(s: CostStudy, mode: CostMode): boolean {
  return slope(s, mode).workBytesPerBlock.slope <
    0.05 * slope(s, "a").workBytesPerBlock.slope;
}

/** Time per block of a mode counts as flat below 10% of the whole network's. */
function flatTime(s: CostStudy, mode: CostMode): boolean {
  return slope(s, mode).cpuMsPerBlock.slope <
    0.1 * slope(s, "a").cpuMsPerBlock.slope;
}

/** "about 4" when a factor is within 3.5-4.5, else the factor itself. */
function factor(r: number): string {
  return r >= 3.5 && r <= 4.5 ? `about 4 (${x(r)})` : x(r);
}

/** The short answers to C.4 and C.5, in numbers from this study. */
export function costAnswer(s: CostStudy): string {
  const [a, b, c] = [slope(s, "a"), slope(s, "b"), slope(s, "c")];
  const lastFlat = flat(s, "c");
  const c4 =
    `**C.4: ${
      flat(s, "a")
        ? "the whole network's memory does not grow with n"
        : "memory grows with n when the whole network trains"
    }; ${
      lastFlat
        ? "with only the last layer trained it stays flat, if the frozen body runs off the gradient tape."
        : "with only the last layer trained it grows too."
    }** ` +
    `Working memory per extra block (S = ${s.size}, batch ${s.batchSize}): ${
      plusMb(a.workBytesPerBlock.slope)
    } MB (whole network), ${
      plusMb(b.workBytesPerBlock.slope)
    } MB (last layer, body on the tape), ${
      plusMb(c.workBytesPerBlock.slope)
    } MB (body off the tape); CPU time per extra block ${
      signed(a.cpuMsPerBlock.slope, 1)
    } ms against ${signed(c.cpuMsPerBlock.slope, 1)} ms${
      flatTime(s, "c") ? "" : ": the forward pass through the body remains"
    }.`;
  const work = meanRatio(s, "a", "workBytes");
  const params = meanRatio(s, "a", "paramBytes");
  const c5 =
    `**C.5: doubling the input's height and width multiplies working memory by ${
      factor(work)
    }; the parameters ${
      Math.abs(params - 1) < 1e-9
        ? "do not change (x1.00)"
        : `change ${x(params)}`
    }.** (S = ${s.smallSize} to ${
      2 * s.smallSize
    }, whole network, mean over n.)`;
  return `${c4}\n\n${c5}`;
}

/**
 * The findings, in Markdown: every number from this study, and where the
 * student writeup's answers hold.
 */
export function costFindings(s: CostStudy): string {
  const [a, b, c] = [slope(s, "a"), slope(s, "b"), slope(s, "c")];
  const stateA = a.gradBytesPerBlock.slope + a.optimizerBytesPerBlock.slope;
  const activations = a.workBytesPerBlock.slope - stateA;
  const lines: string[] = [];
  lines.push(
    `- **Memory per extra block (C.4).** (a) ${
      plusMb(a.workBytesPerBlock.slope)
    } MB, (b) ${plusMb(b.workBytesPerBlock.slope)} MB, (c) ${
      plusMb(c.workBytesPerBlock.slope)
    } MB of working memory (the peak above what was live before the step). ` +
      `Every mode also holds all n blocks' parameters, +${
        mb(s.paramBytesPerBlock)
      } MB per block; (a) adds their gradients and Adam's two moments, +${
        mb(stateA)
      } MB. ` +
      (activations > s.paramBytesPerBlock
        ? `The rest of (a), ${
          mb(activations)
        } MB per block, is activations kept for the backward pass: they, not the parameters, make the whole network's memory grow.`
        : "The parameters and their optimizer state make most of (a)'s growth here."),
  );
  lines.push(
    `- **Why (b) is not (c).** Both train only the last layer. ` +
      (flat(s, "b")
        ? "Here even (b) stays flat: tfjs frees the body's activations although the forward pass runs on the tape."
        : `(b) runs the frozen body inside \`tf.variableGrads\`, which keeps every intermediate tensor until the gradient is taken, so it still grows with n; (c) runs it outside with \`predict\`, which frees each activation once used${
          flat(s, "c") ? ", and stays flat" : ""
        }. PyTorch with \`requires_grad\` off for the body behaves like (c).`),
  );
  lines.push(
    `- **Compute per extra block (C.4).** (a) ${
      signed(a.cpuMsPerBlock.slope, 1)
    } ms, (b) ${signed(b.cpuMsPerBlock.slope, 1)} ms, (c) ${
      signed(c.cpuMsPerBlock.slope, 1)
    } ms of CPU time per step (${s.backend}, ${s.threads} thread${
      s.threads === 1 ? "" : "s"
    }; CPU time: other processes on a shared machine inflate it far less than the wall time, which the table gives too). ` +
      (flatTime(s, "c")
        ? "(c)'s CPU time hardly grows with n."
        : "Training only the last layer drops the backward pass through the body, but every step still runs the forward pass through all n blocks: O(n) time with a smaller constant. It becomes O(1) per step only when the body's features are computed once and reused, which is how this notebook's last-layer runs train."),
  );
  const r = (mode: CostMode, q: "workBytes" | "cpuMs") =>
    x(meanRatio(s, mode, q));
  lines.push(
    `- **Doubling S (C.5)**, ratio of 2S to S averaged over n: parameters ${
      x(meanRatio(s, "a", "paramBytes"))
    }; working memory ${r("a", "workBytes")} (a), ${r("b", "workBytes")} (b), ${
      r("c", "workBytes")
    } (c); CPU time per step ${r("a", "cpuMs")} (a), ${r("b", "cpuMs")} (b), ${
      r("c", "cpuMs")
    } (c). ` +
      "Every activation has one value per pixel and doubling height and width makes 4x the pixels; the weights of a convolution do not depend on the image's size.",
  );
  lines.push(`- **The student writeup.** ${writeupVerdicts(s)}`);
  return lines.join("\n");
}

function writeupVerdicts(s: CostStudy): string {
  const aGrows = !flat(s, "a");
  const work = meanRatio(s, "a", "workBytes");
  const said = [
    `"The whole model needs O(n) memory": ${
      aGrows
        ? "right, though the activations, not the parameters, grow"
        : "not what this measurement shows: it stays flat"
    }.`,
    `"The last layer needs O(1) memory": ${
      flat(s, "c")
        ? `right for the working memory only when the body runs off the tape (${
          flat(s, "b") ? "and on it" : "not on it"
        }), and all n blocks' parameters are still held`
        : "not what this measurement shows: even off the tape it grows"
    }.`,
    `"O(1) time for the last layer": ${
      flatTime(s, "c")
        ? "right here"
        : "wrong while every step runs the body's forward pass"
    }.`,
    `"Doubling the input leaves memory unchanged": ${
      work > 1.5
        ? `wrong, it grows ${x(work)}; only the parameter count stays the same`
        : `right here (${x(work)})`
    }.`,
  ];
  return said.join(" ");
}

/** The report index's rows for C.4 and C.5. */
export function costHeadlines(s: CostStudy): Headline[] {
  const [a, b, c] = [slope(s, "a"), slope(s, "b"), slope(s, "c")];
  const r = (mode: CostMode, q: "workBytes" | "cpuMs") =>
    x(meanRatio(s, mode, q));
  return [{
    question:
      `C.4 memory and time of one fine-tuning step per extra block (S = ${s.size}, batch ${s.batchSize})`,
    answer: `working memory: whole network ${
      plusMb(a.workBytesPerBlock.slope)
    } MB/block, last layer with the body on the tape ${
      plusMb(b.workBytesPerBlock.slope)
    }, off the tape ${plusMb(c.workBytesPerBlock.slope)} (parameters +${
      mb(s.paramBytesPerBlock)
    } MB/block, held in every mode); CPU time per block: ${
      signed(a.cpuMsPerBlock.slope, 1)
    } ms (whole network), ${
      signed(b.cpuMsPerBlock.slope, 1)
    } (body on the tape), ${signed(c.cpuMsPerBlock.slope, 1)} (off the tape)`,
    reference:
      "student writeup: whole model O(n) memory and time; last layer O(1) memory and time",
  }, {
    question:
      `C.5 doubling the input's height and width (S = ${s.smallSize} to ${
        2 * s.smallSize
      })`,
    answer: `parameters ${x(meanRatio(s, "a", "paramBytes"))}; working memory ${
      r("a", "workBytes")
    } (whole network), ${r("b", "workBytes")} / ${
      r("c", "workBytes")
    } (last layer, body on / off the tape); CPU time per step ${
      r("a", "cpuMs")
    } (whole network)`,
    reference:
      "student writeup: memory unchanged, because memory is the parameters, whose number the input size does not change",
  }];
}

/** One row per measured point, in MB and ms. */
export function costRows(s: CostStudy): Record<string, number | string>[] {
  const m = (v: number) => Math.round((v / 2 ** 20) * 100) / 100;
  return s.points.map((p) => ({
    n: p.n,
    S: p.size,
    mode: MODE_NAMES[p.mode],
    "work MB": m(p.workBytes),
    "peak MB": m(p.peakBytes),
    "params MB": m(p.paramBytes),
    "grads MB": m(p.gradBytes),
    "Adam MB": m(p.optimizerBytes),
    "CPU ms": Math.round(p.cpuMs),
    "wall ms": Math.round(p.stepMs),
  }));
}
