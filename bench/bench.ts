/**
 * `deno task bench`: training and inference speed of the handout's CNN and
 * UNet on the chosen tfjs backend, against PyTorch on the same machine.
 *
 * ```
 * deno task bench [--threads N] [--steps 20] [--warmup 3] [--rounds 4]
 *                 [--models cnn,unet] [--batch-size 100] [--profile] [--no-torch]
 *                 [--torch-freeze] [--unfolded]
 * ```
 *
 * Inference ("infer") runs the models' folded eval-mode plan
 * (lib/models/inference.ts: BatchNorm folded into the convolutions), against
 * PyTorch's eager eval mode as the original notebooks run it;
 * `--torch-freeze` gives PyTorch its own folding (torch.jit.freeze +
 * optimize_for_inference), `--unfolded` times tfjs-layers' model.apply.
 *
 * tfjs and PyTorch take turns (`--rounds`), so that on a shared machine both
 * see the same load. Prints a table, then one JSON line per model and kind
 * ("train", "infer"): `{"kind", "model", "backend", "threads", "tfjsImgPerS",
 * "torchImgPerS", "ratio", ...}` with ratio = tfjs / torch (null without
 * PyTorch); with `--profile`, one "profile" line per model and kind.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import os from "node:os";
import {
  coreCount,
  describeBackend,
  initTf,
  resolveThreads,
} from "../lib/backend.ts";
import { type BenchArgs, parseBenchArgs, USAGE, UsageError } from "./args.ts";
import {
  type KernelTimes,
  profileText,
  type Row,
  rowJson,
  table,
} from "./report.ts";
import {
  compileInferenceAsync,
  type InferenceModel,
} from "../lib/models/inference.ts";
import { TorchServer } from "./torch_reference.ts";
import {
  buildModel,
  inferStep,
  makeTrainStep,
  type ModelKind,
  profileKernels,
  randomBatch,
  timeSteps,
} from "./workload.ts";

/** Pause between tfjs and PyTorch turns: idle threads of either side may spin a while. */
const TURN_PAUSE_MS = 200;

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

/**
 * The 1-, 5- and 15-minute load averages, when `--allow-sys=loadavg` grants
 * them (null otherwise): other processes' share of the cores, which every
 * figure of a shared machine needs next to it.
 */
function loadAverage(): [number, number, number] | null {
  try {
    if (
      Deno.permissions.querySync({ name: "sys", kind: "loadavg" }).state !==
        "granted"
    ) {
      return null;
    }
    const [a, b, c] = Deno.loadavg();
    return [a, b, c].map((v) => Math.round(v * 100) / 100) as [
      number,
      number,
      number,
    ];
  } catch {
    return null;
  }
}

function loadText(l: [number, number, number] | null): string {
  return l ? l.join(", ") : "unknown";
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A tfjs model ready to time, with its two step functions. */
interface TfjsSide {
  model: ModelKind;
  train: () => Promise<number>;
  infer: () => Promise<number>;
  dispose: () => void;
}

async function run(args: BenchArgs): Promise<void> {
  const threads = resolveThreads({ threads: args.threads });
  const loadBefore = loadAverage();
  const info = await initTf({ threads });
  const w = args.workload;
  const perRound = Math.ceil(args.steps / args.rounds);
  console.log(`tfjs ${tf.version.tfjs} on ${describeBackend(info)}`);
  console.log(
    `CPU: ${cpuModel()}, ${coreCount()} cores; batch ${w.batchSize}, ${w.size}x${w.size}, ` +
      `NF ${w.numFilters}, NC ${w.numColours}, K ${w.kernelSize}; ${args.warmup} warm-up + ` +
      `${args.rounds} rounds x ${perRound} timed steps per model and kind`,
  );
  console.log(`load average before: ${loadText(loadBefore)}`);

  let torch: TorchServer | undefined;
  if (args.torch) {
    const started = await TorchServer.start({
      threads,
      workload: w,
      // On a GPU, compare with PyTorch on the GPU when it has CUDA.
      device: info.name === "webgpu" ? "auto" : "cpu",
      freeze: args.torchFreeze,
    });
    if ("error" in started) console.log(`PyTorch: ${started.error}`);
    else torch = started;
  }
  console.log(
    torch
      ? `PyTorch ${torch.meta.version}, ${torch.meta.threads} threads, on ${torch.meta.device}${
        args.torchFreeze ? ", inference frozen (torch.jit.freeze)" : ""
      }`
      : "PyTorch: not measured",
  );

  const batch = randomBatch(w);
  const sides: TfjsSide[] = await Promise.all(args.models.map(async (model) => {
    const net = buildModel(model, w);
    const train = makeTrainStep(net, batch);
    // Training changes the weights between inference rounds; inference speed
    // does not depend on their values, so one plan compiled here is timed.
    // --unfolded times tfjs-layers' own eval-mode forward pass instead.
    const folded = args.unfolded
      ? unfoldedInference(net)
      : await compileInferenceAsync(net);
    return {
      model,
      train: train.step,
      infer: () => inferStep(folded, batch.xs),
      dispose: () => {
        folded.dispose();
        train.dispose();
        net.dispose();
      },
    };
  }));
  /** PyTorch's per-operator times (torch.profiler), with --profile. */
  const torchProfiles: {
    model: ModelKind;
    of: string;
    kernels: KernelTimes;
  }[] = [];
  const rows: Row[] = sides.flatMap((s) =>
    (["train", "infer"] as const).map((kind) => ({
      kind,
      model: s.model,
      tfjsMs: [],
      torchMs: [],
      tfjsCpuMs: [],
      torchCpuMs: [],
    }))
  );
  try {
    for (let round = 0; round < args.rounds; round++) {
      const warmup = round === 0 ? args.warmup : 0;
      for (const row of rows) {
        const side = sides.find((s) => s.model === row.model)!;
        const t = await timeSteps(side[row.kind], warmup, perRound);
        row.tfjsMs.push(...t.times);
        row.tfjsCpuMs.push(...t.cpuTimes);
        if (torch) {
          await pause(TURN_PAUSE_MS);
          const m = await torch.measure(row.model, row.kind, warmup, perRound);
          row.torchMs.push(...m.timesMs);
          row.torchCpuMs.push(...(m.cpuMs ?? []));
          await pause(TURN_PAUSE_MS);
        }
      }
    }
    if (torch && args.profile) {
      for (const row of rows) {
        const p = await torch.profile(row.model, row.kind, 1, perRound);
        torchProfiles.push({ model: p.model, of: p.of, kernels: p.ops });
      }
    }
  } finally {
    await torch?.close();
  }

  const profiles: { model: ModelKind; of: string; kernels: KernelTimes }[] = [];
  if (args.profile) {
    for (const s of sides) {
      profiles.push({
        model: s.model,
        of: "train",
        kernels: await profileKernels(s.train),
      });
      profiles.push({
        model: s.model,
        of: "infer",
        kernels: await profileKernels(s.infer),
      });
    }
  }
  for (const s of sides) s.dispose();
  tf.dispose([batch.xs, batch.ys]);

  const loadAfter = loadAverage();
  console.log("");
  console.log(
    `load average before: ${loadText(loadBefore)}; after: ${
      loadText(loadAfter)
    } (this bench keeps ${info.threads} core${
      info.threads === 1 ? "" : "s"
    } busy itself)`,
  );
  console.log(table(rows, w.batchSize));
  for (const p of profiles) {
    console.log("\n" + profileText(`${p.model} ${p.of}`, p.kernels));
  }
  for (const p of torchProfiles) {
    console.log(
      "\n" + profileText(`PyTorch ${p.model} ${p.of}`, p.kernels),
    );
  }
  console.log("");
  const facts = {
    backend: info.name,
    threads: info.threads,
    batchSize: w.batchSize,
    torchThreads: torch?.meta.threads ?? null,
    torchVersion: torch?.meta.version ?? null,
    torchDevice: torch?.meta.device ?? null,
    torchFrozen: torch ? args.torchFreeze : null,
    tfjsFolded: !args.unfolded,
    cpu: cpuModel(),
    loadAvgBefore: loadBefore,
    loadAvgAfter: loadAfter,
  };
  for (const r of rows) console.log(JSON.stringify(rowJson(r, facts)));
  for (const p of torchProfiles) {
    console.log(JSON.stringify({
      kind: "profile",
      model: p.model,
      of: p.of,
      backend: "torch",
      kernels: p.kernels.map((k) => ({
        ...k,
        ms: Math.round(k.ms * 100) / 100,
      })),
    }));
  }
  for (const p of profiles) {
    console.log(JSON.stringify({
      kind: "profile",
      model: p.model,
      of: p.of,
      backend: info.name,
      kernels: p.kernels.map((k) => ({
        ...k,
        ms: Math.round(k.ms * 100) / 100,
      })),
    }));
  }
}

if (import.meta.main) {
  try {
    await run(parseBenchArgs(Deno.args));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message ? `error: ${e.message}` : USAGE);
      Deno.exit(e.message ? 2 : 0);
    }
    console.error(`bench: ${(e as Error).message}`);
    Deno.exit(1);
  }
}

/** model.apply(x, {training: false}) in the shape of a compiled plan (--unfolded). */
function unfoldedInference(model: tf.LayersModel): InferenceModel {
  return {
    steps: ["model.apply (tfjs-layers, unfolded)"],
    apply: (x) => model.apply(x, { training: false }) as tf.Tensor,
    dispose: () => {},
  };
}
