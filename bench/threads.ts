/**
 * Forward conv2d and matMul on the wasm backend at a given thread count, to
 * see what the threaded build gains. One thread count per process (the pool
 * is fixed at initialisation), so run it once per count:
 *
 * ```
 * for t in 1 2 1 2; do deno run --allow-read=.,$DENO_DIR/npm bench/threads.ts --threads $t; done
 * ```
 *
 * `--threads 1` uses the plain (non-threaded) SIMD build, as initTf does.
 * Prints one JSON line.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { describeBackend, initTf } from "../lib/backend.ts";
import { timeSteps } from "./workload.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const threads = arg("--threads", navigator.hardwareConcurrency);
const reps = arg("--reps", 20);
const info = await initTf({ backend: "wasm", threads });

const x = tf.randomUniform(
  [100, 16, 16, 32],
  -1,
  1,
  "float32",
  1,
) as tf.Tensor4D;
const w = tf.randomUniform([3, 3, 32, 64], -1, 1, "float32", 2) as tf.Tensor4D;
const a = tf.randomUniform([1024, 1024], -1, 1, "float32", 3) as tf.Tensor2D;
const b = tf.randomUniform([1024, 1024], -1, 1, "float32", 4) as tf.Tensor2D;

function run(f: () => tf.Tensor): () => void {
  return () => {
    const y = f();
    y.dataSync();
    y.dispose();
  };
}
const conv = await timeSteps(run(() => tf.conv2d(x, w, 1, "same")), 3, reps);
const mm = await timeSteps(run(() => tf.matMul(a, b)), 3, reps);
console.log(JSON.stringify({
  backend: describeBackend(info),
  threads: info.threads,
  conv2dMedianMs: Math.round(conv.medianMs * 10) / 10,
  conv2dMeanMs: Math.round((conv.totalMs / reps) * 10) / 10,
  matMulMedianMs: Math.round(mm.medianMs * 10) / 10,
  matMulMeanMs: Math.round((mm.totalMs / reps) * 10) / 10,
}));
