/**
 * Per-kernel profile of one training step (the benchmark's workload):
 * milliseconds per step for each tfjs kernel, largest first, and images/s.
 *
 * ```sh
 * deno run -A bench/profile.ts --model cnn --steps 3 [--backend wasm] [--threads 1] [--stock]
 * ```
 *
 * `--stock` measures the baseline: tfjs's own kernels and gradients with a
 * plain-JS Conv2DBackpropFilter (what the project's kernels replace).
 *
 * @module
 */
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { describeBackend, initTf } from "../lib/backend.ts";
import { timeKernels } from "./kernels/kernel_timer.ts";
import { restoreStock, snapshotStock } from "./kernels/stock_baseline.ts";
import {
  buildModel,
  HANDOUT_WORKLOAD,
  imagesPerSecond,
  makeTrainStep,
  type ModelKind,
  randomBatch,
  timeSteps,
} from "./workload.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "cnn" },
    steps: { type: "string", default: "3" },
    backend: { type: "string", default: "wasm" },
    threads: { type: "string" },
    batch: { type: "string", default: String(HANDOUT_WORKLOAD.batchSize) },
    stock: { type: "boolean", default: false },
  },
});
const stock = snapshotStock(values.backend);
const info = await initTf({
  backend: values.backend as "wasm" | "cpu" | "webgpu",
  threads: values.threads ? Number(values.threads) : undefined,
});
if (values.stock) restoreStock(values.backend, stock);
const workload = { ...HANDOUT_WORKLOAD, batchSize: Number(values.batch) };
const model = buildModel(values.model as ModelKind, workload);
const batch = randomBatch(workload);
const { step, dispose } = makeTrainStep(model, batch);
const steps = Number(values.steps);

const timing = await timeSteps(step, 2, steps);
// Per-kernel times from a separate run of the same steps (timing wrappers
// add a little overhead of their own).
const timer = timeKernels(tf.getBackend());
await timeSteps(step, 0, steps);
const rows = timer.report();
timer.restore();
const kernelMs = rows.reduce((s, e) => s + e.ms, 0) / steps;
console.log(
  `${values.model} on ${describeBackend(info)}, batch ${workload.batchSize}` +
    (values.stock
      ? ", stock tfjs kernels + JS filter gradient"
      : ", own kernels"),
);
console.log(
  `step ${timing.medianMs.toFixed(0)} ms (median of ${steps}), ` +
    `${imagesPerSecond(timing, workload.batchSize).toFixed(1)} images/s; ` +
    `kernels sum ${kernelMs.toFixed(0)} ms per step`,
);
for (const e of rows) {
  if (e.ms / steps < 0.5) continue;
  const ms = (e.ms / steps).toFixed(1).padStart(8);
  console.log(`${e.name.padEnd(28)} ${ms} ms  ${e.calls / steps} calls`);
}
dispose();
tf.dispose([batch.xs, batch.ys]);
model.dispose();
