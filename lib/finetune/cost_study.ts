/**
 * What one fine-tuning step costs (questions C.4 and C.5), measured: tensor
 * memory, wall time and CPU time of one optimizer step of the DeepLab-style
 * network with n blocks at input size S, in three modes:
 *
 * - (a) the whole network trained;
 * - (b) only the last layer trained, but the whole forward pass run under
 *   the gradient tape (tfjs keeps every intermediate tensor of a
 *   `variableGrads` call alive until the call ends);
 * - (c) only the last layer trained, the frozen body run outside the tape
 *   with `predict`, which frees each activation once consumed.
 *
 * @module
 */
import process from "node:process";
import * as tf from "@tensorflow/tfjs";
import { Adam } from "../train/adam.ts";
import { pixelCrossEntropy } from "../train/loss.ts";
import {
  allVariables,
  buildDeepLab,
  featureModel,
  HEAD_NAME,
  headVariables,
} from "../models/deeplab.ts";

/** The three ways of running a step (see the module doc). */
export type CostMode = "a" | "b" | "c";

/** One measured point, as the CLI prints it. */
export interface CostPoint {
  /** n: dilated blocks in the body. */
  n: number;
  /** S: input height and width. */
  size: number;
  mode: CostMode;
  /** Peak bytes of live tensors during the step (`tf.profile`), everything included. */
  peakBytes: number;
  /** The peak above what was live when the step began (params, optimizer state, batch). */
  workBytes: number;
  /** Bytes of all the network's weights (BatchNorm statistics included). */
  paramBytes: number;
  /** Bytes of the gradients the step computes. */
  gradBytes: number;
  /** Bytes of the optimizer's state (Adam: two moments per trained weight), measured. */
  optimizerBytes: number;
  /** Median wall time of a step, ms. */
  stepMs: number;
  /**
   * Median CPU time of a step (every thread of the process), ms: the work,
   * which other processes on a shared machine do not inflate as they do
   * the wall time.
   */
  cpuMs: number;
  batchSize: number;
}

/** Options of {@link measureStepCost} and {@link runCostStudy}. */
export interface CostOptions {
  /** Images per step (default 4). */
  batchSize?: number;
  /** Channels of the body (default 32). */
  numFilters?: number;
  /** Timed steps after the warm-up and the profiled one; the median is kept (default 2). */
  timedSteps?: number;
  seed?: number;
}

function tensorBytes(ts: tf.Tensor[]): number {
  return ts.reduce((s, t) => s + t.size * 4, 0);
}

/**
 * Measures one optimizer step of an n-block network at size S in `mode`.
 * Leaves no tensor behind.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function measureStepCost(
  n: number,
  size: number,
  mode: CostMode,
  opts: CostOptions = {},
): Promise<CostPoint> {
  const batchSize = opts.batchSize ?? 4;
  const seed = opts.seed ?? 0;
  const model = buildDeepLab({
    numBlocks: n,
    numClasses: 2,
    numFilters: opts.numFilters ?? 32,
    seed,
  });
  const body = featureModel(model);
  const head = model.getLayer(HEAD_NAME);
  const vars = mode === "a" ? allVariables(model) : headVariables(model);
  const bytesBeforeAdam = tf.memory().numBytes;
  const adam = new Adam(vars, { learningRate: 1e-3 });
  const optimizerBytes = tf.memory().numBytes - bytesBeforeAdam;
  const xs = tf.randomUniform(
    [batchSize, size, size, 1],
    0,
    1,
    "float32",
    seed,
  );
  const ys = tf.randomUniform([batchSize, size, size], 0, 2, "int32", seed + 1);
  let gradBytes = 0;

  async function step(): Promise<void> {
    let feats: tf.Tensor | undefined;
    let forward: () => tf.Tensor;
    if (mode === "c") {
      const f = body.predict(xs) as tf.Tensor;
      feats = f;
      forward = () => head.apply(f) as tf.Tensor;
    } else {
      // (b) runs the frozen body in inference mode, but on the tape.
      forward = () => model.apply(xs, { training: mode === "a" }) as tf.Tensor;
    }
    const { value, grads } = tf.variableGrads(
      () => pixelCrossEntropy(forward(), ys as tf.Tensor3D),
      vars,
    );
    adam.applyGradients(grads);
    gradBytes = tensorBytes(Object.values(grads));
    await value.data(); // wait for the backend to finish
    tf.dispose([value, grads]);
    if (feats) feats.dispose();
  }

  try {
    await step(); // warm-up: kernels compiled, buffers allocated
    const before = tf.memory().numBytes;
    const profile = await tf.profile(step);
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < (opts.timedSteps ?? 2); i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await step();
      const c = process.cpuUsage(c0);
      times.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    const median = (xs: number[]) =>
      [...xs].sort((p, q) => p - q)[Math.floor((xs.length - 1) / 2)];
    return {
      n,
      size,
      mode,
      peakBytes: profile.peakBytes,
      workBytes: profile.peakBytes - before,
      paramBytes: tensorBytes(model.weights.map((w) => w.read())),
      gradBytes,
      optimizerBytes,
      stepMs: median(times),
      cpuMs: median(cpu),
      batchSize,
    };
  } finally {
    adam.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  }
}

/** Options of {@link runCostStudy}. */
export interface CostStudyOptions extends CostOptions {
  /** Values of n (default 2, 4, 8, 12, 16). */
  blocks?: number[];
  /** Values of S (default 32 and 64). */
  sizes?: number[];
  modes?: CostMode[];
  /** Called after each point (the library never prints). */
  onPoint?: (point: CostPoint) => void;
  /** Checked before each point: true stops the study there. */
  stop?: () => boolean;
}

/**
 * Measures every (n, S, mode) point, S by S; undefined when `stop` ended it
 * early.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export async function runCostStudy(
  opts: CostStudyOptions = {},
): Promise<CostPoint[] | undefined> {
  const points: CostPoint[] = [];
  for (const size of opts.sizes ?? [32, 64]) {
    for (const n of opts.blocks ?? [2, 4, 8, 12, 16]) {
      for (const mode of opts.modes ?? ["a", "b", "c"] as CostMode[]) {
        // a turn of the event loop, so that a signal listener can ask to stop
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (opts.stop?.()) return undefined;
        const p = await measureStepCost(n, size, mode, opts);
        points.push(p);
        opts.onPoint?.(p);
      }
    }
  }
  return points;
}
