/**
 * The bench's output: a Markdown table for people and JSON lines for
 * programs, from the measured step times.
 *
 * @module
 */
import type { ModelKind } from "./workload.ts";

/** Step times of one model and kind on both sides. */
export interface Row {
  kind: "train" | "infer";
  model: ModelKind;
  /** tfjs milliseconds per timed step. */
  tfjsMs: number[];
  /** PyTorch milliseconds per timed step (empty when not measured). */
  torchMs: number[];
  /** CPU milliseconds (every thread) of each tfjs step. */
  tfjsCpuMs: number[];
  /** The same for PyTorch (empty when not measured). */
  torchCpuMs: number[];
}

/** Context printed with every JSON line. */
export interface RunFacts {
  backend: string;
  threads: number;
  batchSize: number;
  torchThreads: number | null;
  torchVersion: string | null;
  torchDevice: string | null;
  /** PyTorch's inference ran frozen (torch.jit.freeze); null without PyTorch. */
  torchFrozen: boolean | null;
  /** tfjs inference ran the folded plan (lib/models/inference.ts), not model.apply. */
  tfjsFolded: boolean;
  /** The CPU model ("unknown" without permission). */
  cpu: string;
  /** 1-, 5- and 15-minute load averages before and after the bench (null: unknown). */
  loadAvgBefore: [number, number, number] | null;
  loadAvgAfter: [number, number, number] | null;
}

/** Images per second over all steps (null without steps). */
export function throughput(ms: number[], batchSize: number): number | null {
  if (ms.length === 0) return null;
  return (ms.length * batchSize) / (ms.reduce((a, b) => a + b, 0) / 1000);
}

/** Median of the step times (null without steps). */
export function median(ms: number[]): number | null {
  if (ms.length === 0) return null;
  const s = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function round(x: number | null, digits = 1): number | null {
  if (x === null) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The JSON object of one row (the keys first). */
export function rowJson(r: Row, facts: RunFacts): Record<string, unknown> {
  const tfjs = throughput(r.tfjsMs, facts.batchSize);
  const torch = throughput(r.torchMs, facts.batchSize);
  const tfjsMedian = median(r.tfjsMs);
  const torchMedian = median(r.torchMs);
  return {
    kind: r.kind,
    model: r.model,
    backend: facts.backend,
    threads: facts.threads,
    tfjsImgPerS: round(tfjs),
    torchImgPerS: round(torch),
    ratio: tfjs !== null && torch ? round(tfjs / torch, 3) : null,
    tfjsMedianMs: round(tfjsMedian, 2),
    torchMedianMs: round(torchMedian, 2),
    // Median-based ratio: robust to steps slowed by other processes.
    medianRatio: tfjsMedian && torchMedian
      ? round(torchMedian / tfjsMedian, 3)
      : null,
    // CPU time (every thread) per step: what other processes disturb least
    // (waiting for a core does not count). On one thread the closest to a
    // quiet machine's ratio; on more, spinning threads count too.
    tfjsCpuMedianMs: round(median(r.tfjsCpuMs), 2),
    torchCpuMedianMs: round(median(r.torchCpuMs), 2),
    cpuMedianRatio: cpuRatio(r),
    steps: r.tfjsMs.length,
    batchSize: facts.batchSize,
    torchThreads: facts.torchThreads,
    torchVersion: facts.torchVersion,
    torchDevice: facts.torchDevice,
    torchFrozen: facts.torchFrozen,
    tfjsFolded: facts.tfjsFolded,
    cpu: facts.cpu,
    loadAvgBefore: facts.loadAvgBefore,
    loadAvgAfter: facts.loadAvgAfter,
  };
}

/** PyTorch's median CPU ms per step over tfjs's (null without both). */
function cpuRatio(r: Row): number | null {
  const t = median(r.tfjsCpuMs);
  const p = median(r.torchCpuMs);
  return t && p ? round(p / t, 3) : null;
}

function cell(x: number | null, digits = 0): string {
  return x === null ? "-" : x.toFixed(digits);
}

/** A Markdown table of all rows. */
export function table(rows: Row[], batchSize: number): string {
  const head = [
    "| kind  | model | tfjs img/s | torch img/s | ratio | tfjs ms/step (median) | torch ms/step (median) | ratio of medians | ratio of CPU medians |",
    "|-------|-------|-----------:|------------:|------:|----------------------:|-----------------------:|-----------------:|---------------------:|",
  ];
  const body = rows.map((r) => {
    const tfjs = throughput(r.tfjsMs, batchSize);
    const torch = throughput(r.torchMs, batchSize);
    const tm = median(r.tfjsMs);
    const pm = median(r.torchMs);
    const cells = [
      r.kind.padEnd(5),
      r.model.padEnd(5),
      cell(tfjs).padStart(10),
      cell(torch).padStart(11),
      cell(tfjs !== null && torch ? tfjs / torch : null, 2).padStart(5),
      cell(tm, 1).padStart(21),
      cell(pm, 1).padStart(22),
      cell(tm && pm ? pm / tm : null, 2).padStart(16),
      cell(cpuRatio(r), 2).padStart(20),
    ];
    return `| ${cells.join(" | ")} |`;
  });
  return [...head, ...body].join("\n");
}

/** Per-kernel milliseconds, largest first. */
export type KernelTimes = { name: string; ms: number; calls: number }[];

/** A short text block of the largest kernels of one profiled step. */
export function profileText(
  title: string,
  kernels: KernelTimes,
  top = 15,
): string {
  const total = kernels.reduce((s, k) => s + k.ms, 0);
  const lines = kernels.slice(0, top).map((k) =>
    `  ${k.name.padEnd(28)} ${k.ms.toFixed(1).padStart(8)} ms  ${
      String(k.calls).padStart(4)
    } calls`
  );
  return [
    `profile, one ${title} step (${total.toFixed(1)} ms in kernels):`,
    ...lines,
  ].join("\n");
}
