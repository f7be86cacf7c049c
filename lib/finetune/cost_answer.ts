/**
 * The answers to C.4 and C.5 in words, made from the measured slopes and
 * ratios (not written in advance), and set against the student writeup.
 *
 * @module
 */
import type { CostMode, CostPoint } from "./cost_study.ts";
import type { CostSlope, SizeRatio } from "./cost_fit.ts";

/** The numbers the answers need. */
export interface CostFindings {
  slopes: CostSlope[];
  sizeRatios: SizeRatio[];
  cost: CostPoint[];
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(2);
}

function meanRatio(
  ratios: SizeRatio[],
  mode: CostMode,
  f: (r: SizeRatio) => number,
): number {
  const rs = ratios.filter((r) => r.mode === mode);
  return rs.reduce((s, r) => s + f(r), 0) / Math.max(1, rs.length);
}

/**
 * Markdown answering C.4 and C.5 from the measurements, with where the
 * writeup is right and where it is not.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function costAnswer(f: CostFindings): string {
  const largest = Math.max(...f.slopes.map((s) => s.size));
  const at = (mode: CostMode) =>
    f.slopes.find((s) => s.mode === mode && s.size === largest)!;
  const [a, b, c] = [at("a"), at("b"), at("c")];
  const batch = f.cost[0]?.batchSize;
  const stateA = a.gradBytesPerBlock.slope + a.optimizerBytesPerBlock.slope;
  const paramPerBlock = (() => {
    const pts = f.cost.filter((p) => p.mode === "a" && p.size === largest).sort(
      (p, q) => p.n - q.n,
    );
    const first = pts[0];
    const last = pts[pts.length - 1];
    return (last.paramBytes - first.paramBytes) / (last.n - first.n);
  })();
  const ratio = (mode: CostMode, g: (r: SizeRatio) => number) =>
    meanRatio(f.sizeRatios, mode, g).toFixed(2);
  return [
    `**C.4, memory** (S = ${largest}, batch ${batch}, per extra block, least-squares slopes):`,
    `(a) whole network: +${
      mb(a.workBytesPerBlock.slope)
    } MB of working memory per block, ` +
    `of which only ${mb(paramPerBlock)} MB are parameters and ${
      mb(stateA)
    } MB gradients and ` +
    `Adam state: O(n), but the activations kept for the backward pass dominate, not the parameters. ` +
    `(b) last layer only, whole forward on the tape: +${
      mb(b.workBytesPerBlock.slope)
    } MB per block, ` +
    `still O(n), because tfjs keeps every intermediate of the taped forward until the gradient is taken. ` +
    `(c) last layer only, frozen body outside the tape: +${
      mb(c.workBytesPerBlock.slope)
    } MB per block: ` +
    `O(1) beyond the parameters, which are still all held (${
      mb(paramPerBlock)
    } MB per block).`,
    "",
    `**C.4, time:** (a) ${a.msPerBlock.slope.toFixed(1)} ms per block, ` +
    `(b) ${b.msPerBlock.slope.toFixed(1)} ms, (c) ${
      c.msPerBlock.slope.toFixed(1)
    } ms per step. ` +
    `Training only the last layer removes the backward pass through the body, but every step still ` +
    `runs the forward pass through all n blocks: O(n) time, a smaller constant. It becomes O(1) per ` +
    `step only when the body's features are computed once and reused (fine_tune.ts does this).`,
    "",
    `**C.5, doubling height and width** (ratio 2S / S, mean over n): parameters ` +
    `x${ratio("a", (r) => r.paramBytes)}; working memory x${
      ratio("a", (r) => r.workBytes)
    } (a), ` +
    `x${ratio("b", (r) => r.workBytes)} (b), x${
      ratio("c", (r) => r.workBytes)
    } (c); step time ` +
    `x${ratio("a", (r) => r.stepMs)} (a), x${
      ratio("b", (r) => r.stepMs)
    } (b), ` +
    `x${
      ratio("c", (r) => r.stepMs)
    } (c) (wall-clock times on a shared CPU are noisy; the ` +
    `arithmetic of every convolution grows exactly 4x).`,
    "",
    `**The writeup:** right that whole-network fine-tuning needs O(n) memory and time and that the ` +
    `number of parameters does not change with the input size. Wrong on why memory grows (activations, ` +
    `not parameters); wrong that last-layer fine-tuning is O(1) in memory whatever one does (only when ` +
    `the frozen body is kept off the gradient tape, as PyTorch does when requires_grad is off) and O(1) ` +
    `in time (the forward pass through the body remains); and wrong on C.5: memory grows about 4x when ` +
    `height and width double, because activations scale with the number of pixels.`,
  ].join("\n");
}
