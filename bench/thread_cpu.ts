/**
 * CPU time per training step of each thread of this process (Linux,
 * /proc/self/task): how evenly the wasm backend's threads share a step, and
 * how much the main thread does alone (JavaScript, tfjs's bookkeeping, the
 * few kernels that run on one thread). On a quiet machine a step takes about
 * the busiest thread's time.
 *
 * ```sh
 * deno run -A bench/thread_cpu.ts [--model cnn|unet] [--threads 2] [--steps 20]
 * ```
 *
 * (-A: Deno reads /proc/self only with every permission.)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { describeBackend, initTf } from "../lib/backend.ts";
import {
  buildModel,
  HANDOUT_WORKLOAD,
  makeTrainStep,
  type ModelKind,
  randomBatch,
} from "./workload.ts";

/** Name and CPU milliseconds (user + system) of each thread, by thread id. */
export function threadCpu(): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  const tick = 10; // ms per clock tick (USER_HZ = 100 on Linux)
  for (const e of Deno.readDirSync("/proc/self/task")) {
    try {
      const stat = Deno.readTextFileSync(`/proc/self/task/${e.name}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(e.name, { name, ms: (Number(f[11]) + Number(f[12])) * tick });
    } catch {
      // the thread ended
    }
  }
  return out;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      model: { type: "string", default: "cnn" },
      threads: { type: "string", default: "2" },
      steps: { type: "string", default: "20" },
    },
  });
  const info = await initTf({ threads: Number(values.threads) });
  const model = buildModel(values.model as ModelKind, HANDOUT_WORKLOAD);
  const { step } = makeTrainStep(model, randomBatch(HANDOUT_WORKLOAD));
  for (let i = 0; i < 3; i++) await step();
  const steps = Number(values.steps);
  const before = threadCpu();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const wall = (performance.now() - t0) / steps;
  const rows = [...threadCpu()].map(([tid, t]) => ({
    tid,
    name: t.name,
    ms: (t.ms - (before.get(tid)?.ms ?? 0)) / steps,
  })).filter((r) => r.ms > 0).sort((a, b) => b.ms - a.ms);
  const load = Deno.loadavg().map((v) => v.toFixed(2)).join(", ");
  console.log(
    `${values.model} training on ${describeBackend(info)}; load average ` +
      `${load}; wall ${wall.toFixed(0)} ms per step`,
  );
  for (const r of rows) {
    const main = r.tid === String(Deno.pid) ? " (main)" : "";
    console.log(
      `  ${(r.name + main).padEnd(24)} ${
        r.ms.toFixed(1).padStart(7)
      } ms CPU per step`,
    );
  }
}
