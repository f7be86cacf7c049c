/**
 * `deno task bench`: training and inference speed of the handout's CNN and
 * UNet on the chosen tfjs backend, against PyTorch on the same machine.
 *
 * ```
 * deno task bench [--threads N] [--steps 20] [--warmup 3] [--models cnn,unet]
 *                 [--batch-size 100] [--profile] [--no-torch]
 * ```
 *
 * Prints a table, then one JSON line per model and kind ("train", "infer"):
 * `{"kind", "model", "backend", "threads", "tfjsImgPerS", "torchImgPerS", "ratio", ...}`
 * with ratio = tfjs / torch (null without PyTorch).
 *
 * @see issue 3 item 1
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import os from "node:os";
import { coreCount, describeBackend, initTf } from "../lib/backend.ts";
import {
  buildModel,
  HANDOUT_WORKLOAD,
  imagesPerSecond,
  inferStep,
  makeTrainStep,
  type ModelKind,
  profileKernels,
  randomBatch,
  timeSteps,
  type WorkloadOptions,
} from "./workload.ts";
import { runTorchReference, type TorchResult } from "./torch_reference.ts";

/** Parsed command line. */
interface BenchArgs {
  threads: number;
  steps: number;
  warmup: number;
  models: ModelKind[];
  profile: boolean;
  torch: boolean;
  workload: WorkloadOptions;
}

const USAGE =
  "usage: deno task bench [--threads N] [--steps 20] [--warmup 3] [--models cnn,unet] [--batch-size 100] [--profile] [--no-torch]";

function parseArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = {
    threads: coreCount(),
    steps: 20,
    warmup: 3,
    models: ["cnn", "unet"],
    profile: false,
    torch: true,
    workload: { ...HANDOUT_WORKLOAD },
  };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`${flag} needs an integer >= ${min}, got ${v}\n${USAGE}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case "--threads":
        a.threads = int(flag, argv[++i], 1);
        break;
      case "--steps":
        a.steps = int(flag, argv[++i], 1);
        break;
      case "--warmup":
        a.warmup = int(flag, argv[++i], 0);
        break;
      case "--batch-size":
        a.workload.batchSize = int(flag, argv[++i], 1);
        break;
      case "--models": {
        const ms = (argv[++i] ?? "").split(",");
        if (!ms.every((m) => m === "cnn" || m === "unet")) {
          throw new Error(`--models takes cnn, unet or cnn,unet\n${USAGE}`);
        }
        a.models = ms as ModelKind[];
        break;
      }
      case "--profile":
        a.profile = true;
        break;
      case "--no-torch":
        a.torch = false;
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        Deno.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  return a;
}

/** The CPU model, when `--allow-sys=cpus` grants it (Deno needs -A for /proc). */
function cpuModel(): string {
  try {
    if (
      Deno.permissions.querySync({ name: "sys", kind: "cpus" }).state !==
        "granted"
    ) {
      return "unknown";
    }
    return os.cpus()[0]?.model?.trim() || "unknown";
  } catch {
    return "unknown";
  }
}

/** One row of the result. */
interface Row {
  kind: "train" | "infer";
  model: ModelKind;
  tfjsImgPerS: number;
  tfjsMedianMs: number;
  torchImgPerS: number | null;
  torchMedianMs: number | null;
}

function fmt(n: number | null, digits = 0): string {
  return n === null ? "-" : n.toFixed(digits);
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  const info = await initTf({ threads: args.threads });
  const w = args.workload;
  console.log(`tfjs ${tf.version.tfjs} on ${describeBackend(info)}`);
  console.log(
    `CPU: ${cpuModel()}, ${coreCount()} cores; batch ${w.batchSize}, ${w.size}x${w.size}, ` +
      `NF ${w.numFilters}, NC ${w.numColours}, K ${w.kernelSize}; ` +
      `${args.warmup} warm-up + ${args.steps} timed steps`,
  );

  const rows: Row[] = [];
  const profiles: Record<
    string,
    { name: string; ms: number; calls: number }[]
  > = {};
  const batch = randomBatch(w);
  for (const kind of args.models) {
    const model = buildModel(kind, w);
    const train = makeTrainStep(model, batch);
    const t = await timeSteps(train.step, args.warmup, args.steps);
    const fwd = () => inferStep(model, batch.xs);
    const f = await timeSteps(fwd, args.warmup, args.steps);
    rows.push(
      {
        kind: "train",
        model: kind,
        tfjsImgPerS: imagesPerSecond(t, w.batchSize),
        tfjsMedianMs: t.medianMs,
        torchImgPerS: null,
        torchMedianMs: null,
      },
      {
        kind: "infer",
        model: kind,
        tfjsImgPerS: imagesPerSecond(f, w.batchSize),
        tfjsMedianMs: f.medianMs,
        torchImgPerS: null,
        torchMedianMs: null,
      },
    );
    if (args.profile) {
      profiles[`${kind} train`] = await profileKernels(train.step);
      profiles[`${kind} infer`] = await profileKernels(fwd);
    }
    train.dispose();
    model.dispose();
  }
  tf.dispose([batch.xs, batch.ys]);

  let torch: TorchResult | undefined;
  if (args.torch) {
    torch = await runTorchReference({
      threads: args.threads,
      steps: args.steps,
      warmup: args.warmup,
      models: args.models,
      workload: w,
    });
    if (torch.error) console.log(`PyTorch: ${torch.error}`);
    for (const r of rows) {
      const m = torch.results.find((x) =>
        x.kind === r.kind && x.model === r.model
      );
      r.torchImgPerS = m?.imgPerS ?? null;
      r.torchMedianMs = m?.medianMs ?? null;
    }
  }

  console.log(
    torch?.version
      ? `PyTorch ${torch.version}, ${torch.threads} threads`
      : "PyTorch: not measured",
  );
  console.log("");
  console.log(
    "| kind  | model | tfjs img/s | tfjs ms/step (median) | torch img/s | torch ms/step (median) | ratio |",
  );
  console.log(
    "|-------|-------|-----------:|----------------------:|------------:|-----------------------:|------:|",
  );
  for (const r of rows) {
    const ratio = r.torchImgPerS ? r.tfjsImgPerS / r.torchImgPerS : null;
    console.log(
      `| ${r.kind.padEnd(5)} | ${r.model.padEnd(5)} | ${
        fmt(r.tfjsImgPerS).padStart(10)
      } | ` +
        `${fmt(r.tfjsMedianMs, 1).padStart(21)} | ${
          fmt(r.torchImgPerS).padStart(11)
        } | ` +
        `${fmt(r.torchMedianMs, 1).padStart(22)} | ${
          fmt(ratio, 2).padStart(5)
        } |`,
    );
  }
  for (const [name, kernels] of Object.entries(profiles)) {
    const total = kernels.reduce((s, k) => s + k.ms, 0);
    console.log(
      `\nprofile, one ${name} step (${total.toFixed(1)} ms in kernels):`,
    );
    for (const k of kernels.slice(0, 15)) {
      console.log(
        `  ${k.name.padEnd(28)} ${k.ms.toFixed(1).padStart(8)} ms  ${
          String(k.calls).padStart(4)
        } calls`,
      );
    }
  }
  console.log("");
  for (const r of rows) {
    const ratio = r.torchImgPerS ? r.tfjsImgPerS / r.torchImgPerS : null;
    console.log(JSON.stringify({
      kind: r.kind,
      model: r.model,
      backend: info.name,
      threads: info.threads,
      tfjsImgPerS: round(r.tfjsImgPerS),
      torchImgPerS: r.torchImgPerS === null ? null : round(r.torchImgPerS),
      ratio: ratio === null ? null : round(ratio, 3),
      tfjsMedianMs: round(r.tfjsMedianMs, 2),
      torchMedianMs: r.torchMedianMs === null
        ? null
        : round(r.torchMedianMs, 2),
      torchThreads: torch?.threads ?? null,
      torchVersion: torch?.version ?? null,
      batchSize: w.batchSize,
      steps: args.steps,
    }));
  }
  for (const [name, kernels] of Object.entries(profiles)) {
    const [model, kind] = name.split(" ");
    console.log(JSON.stringify({
      kind: "profile",
      model,
      of: kind,
      backend: info.name,
      kernels: kernels.map((k) => ({ ...k, ms: round(k.ms, 2) })),
    }));
  }
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
