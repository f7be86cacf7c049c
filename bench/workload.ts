/**
 * The benchmark's workload: the handout's CNN and UNet on random 32x32 grey
 * images, one training step exactly as the trainer takes it (PyTorch-style
 * Adam, mean per-pixel softmax cross-entropy, BatchNorm in training mode),
 * and forward passes in eval mode. Inference runs the model's folded plan
 * (lib/models/inference.ts: each BatchNorm folded into the convolution in
 * front of it, as torch.jit.freeze and ONNX runtimes do), compiled once
 * before timing.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import process from "node:process";
import { buildCnn } from "../lib/models/cnn.ts";
import type { InferenceModel } from "../lib/models/inference.ts";
import { buildUNet } from "../lib/models/unet.ts";
import { Adam } from "../lib/train/adam.ts";
import { pixelCrossEntropy } from "../lib/train/loss.ts";
import { seededRng } from "../lib/random.ts";

/** The two models of the handout. */
export type ModelKind = "cnn" | "unet";

/** Shapes and sizes of one benchmark. */
export interface WorkloadOptions {
  batchSize: number;
  /** Image side (square). */
  size: number;
  numFilters: number;
  numColours: number;
  kernelSize: number;
  seed: number;
}

/** The handout's setting: batch 100, 32x32, NF 32, NC 24, K 3. */
export const HANDOUT_WORKLOAD: WorkloadOptions = {
  batchSize: 100,
  size: 32,
  numFilters: 32,
  numColours: 24,
  kernelSize: 3,
  seed: 0,
};

/** Builds one of the two models with the workload's sizes. */
export function buildModel(
  kind: ModelKind,
  w: WorkloadOptions,
): tf.LayersModel {
  const opts = {
    numFilters: w.numFilters,
    numColours: w.numColours,
    kernelSize: w.kernelSize,
    height: w.size,
    width: w.size,
    seed: w.seed,
  };
  return kind === "cnn" ? buildCnn(opts) : buildUNet(opts);
}

/** A random batch: grey images in [0, 1) and labels in [0, NC). */
export function randomBatch(
  w: WorkloadOptions,
): { xs: tf.Tensor4D; ys: tf.Tensor3D } {
  const rng = seededRng(w.seed);
  const n = w.batchSize * w.size * w.size;
  const grey = new Float32Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    grey[i] = rng();
    labels[i] = Math.floor(rng() * w.numColours);
  }
  return {
    xs: tf.tensor4d(grey, [w.batchSize, w.size, w.size, 1]),
    ys: tf.tensor3d(labels, [w.batchSize, w.size, w.size], "int32"),
  };
}

/**
 * A training step: resolves to the loss, read back (so the step really ran).
 * Async because WebGPU under Deno cannot read synchronously (`dataSync`
 * needs a 2d canvas there).
 */
export type TrainStep = () => Promise<number>;

/** Makes the trainer's step for `model` on a fixed batch. */
export function makeTrainStep(
  model: tf.LayersModel,
  batch: { xs: tf.Tensor4D; ys: tf.Tensor3D },
  learningRate = 1e-3,
): { step: TrainStep; dispose: () => void } {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const adam = new Adam(variables, { learningRate });
  const step = async () => {
    const { value, grads } = tf.variableGrads(
      () =>
        pixelCrossEntropy(
          model.apply(batch.xs, { training: true }) as tf.Tensor,
          batch.ys,
        ),
      variables,
    );
    adam.applyGradients(grads);
    tf.dispose(grads);
    // Read outside any tidy: tidy would walk the returned array.
    const loss = (await value.data())[0];
    value.dispose();
    return loss;
  };
  return { step, dispose: () => adam.dispose() };
}

/**
 * One eval-mode forward pass through the folded plan of
 * `compileInference(model)` (compile once, outside the timing), with its
 * first logit read back, as the PyTorch side reads `net(xs)[0, 0, 0, 0]`
 * (reading all of them would time a 9.8 MB copy out of the wasm heap that
 * PyTorch does not make).
 */
export async function inferStep(
  net: InferenceModel,
  xs: tf.Tensor4D,
): Promise<number> {
  const logits = net.apply(xs);
  const first = tf.slice(logits, 0, 1);
  logits.dispose();
  const value = (await first.data())[0];
  first.dispose();
  return value;
}

/** Timing of repeated calls of one step. */
export interface Timing {
  /** Timed calls (warm-up excluded). */
  steps: number;
  /** Total milliseconds of the timed calls. */
  totalMs: number;
  /** Median milliseconds per call. */
  medianMs: number;
  /** Milliseconds of each timed call. */
  times: number[];
  /**
   * CPU milliseconds of the process (every thread) during each timed call:
   * less disturbed than wall time by other processes on a shared machine.
   */
  cpuTimes: number[];
}

/** Runs `warmup` untimed then `steps` timed calls of `fn`. */
export async function timeSteps(
  fn: () => unknown,
  warmup: number,
  steps: number,
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    steps,
    totalMs: times.reduce((a, b) => a + b, 0),
    medianMs: sorted[Math.floor(sorted.length / 2)],
    times,
    cpuTimes,
  };
}

/** Per-kernel milliseconds of one call of `fn` on the active backend, largest first. */
export async function profileKernels(
  fn: () => unknown,
): Promise<{ name: string; ms: number; calls: number }[]> {
  const info = await tf.profile(async () => {
    await fn();
  });
  const byName = new Map<string, { ms: number; calls: number }>();
  const backend = tf.getBackend();
  for (const k of info.kernels) {
    // tf.profile also lists op scopes (customGrad wrappers, "unnamed scope")
    // whose time includes their kernels': count real kernels only.
    if (!tf.getKernel(k.name, backend)) continue;
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls += 1;
    byName.set(k.name, e);
  }
  return [...byName].map(([name, e]) => ({ name, ...e })).sort((a, b) =>
    b.ms - a.ms
  );
}

/** Images per second of a timing at a batch size. */
export function imagesPerSecond(t: Timing, batchSize: number): number {
  return (t.steps * batchSize) / (t.totalMs / 1000);
}
