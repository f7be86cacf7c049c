/**
 * The arithmetic ceiling of the wasm CPU path: multiply-add throughput of
 * wasm SIMD (128-bit f32x4) on this CPU, per core and on all cores, with
 * fused (relaxed_madd, what the project's kernels use) and separate multiply
 * and add (plain SIMD128, what portable wasm code gets). 12 independent
 * accumulators per thread, no memory traffic: no real kernel can run faster.
 *
 * ```sh
 * deno run --allow-read --allow-env bench/simd_peak.ts [--threads N] [--seconds 2]
 * ```
 *
 * Prints one JSON line: GFLOP/s (2 flops per multiply-add) per variant.
 *
 * @see issue 3 (why the ratio target is out of reach)
 * @module
 */
import asc from "assemblyscript/asc";

/** AssemblyScript source of the two loops. */
const SOURCE = `
function loop(n: i32, fused: bool): f32 {
  // Distinct starting values: equal chains would be merged by the optimiser.
  let a0 = f32x4.splat(0.51), a1 = f32x4.splat(0.52), a2 = f32x4.splat(0.53);
  let a3 = f32x4.splat(0.54), a4 = f32x4.splat(0.55), a5 = f32x4.splat(0.56);
  let a6 = f32x4.splat(0.57), a7 = f32x4.splat(0.58), a8 = f32x4.splat(0.59);
  let a9 = f32x4.splat(0.6), a10 = f32x4.splat(0.61), a11 = f32x4.splat(0.62);
  const m = f32x4.splat(0.999999), c = f32x4.splat(1e-7);
  if (fused) {
    for (let i = 0; i < n; i++) {
      a0 = f32x4.relaxed_madd(a0, m, c); a1 = f32x4.relaxed_madd(a1, m, c);
      a2 = f32x4.relaxed_madd(a2, m, c); a3 = f32x4.relaxed_madd(a3, m, c);
      a4 = f32x4.relaxed_madd(a4, m, c); a5 = f32x4.relaxed_madd(a5, m, c);
      a6 = f32x4.relaxed_madd(a6, m, c); a7 = f32x4.relaxed_madd(a7, m, c);
      a8 = f32x4.relaxed_madd(a8, m, c); a9 = f32x4.relaxed_madd(a9, m, c);
      a10 = f32x4.relaxed_madd(a10, m, c); a11 = f32x4.relaxed_madd(a11, m, c);
    }
  } else {
    for (let i = 0; i < n; i++) {
      a0 = f32x4.add(f32x4.mul(a0, m), c); a1 = f32x4.add(f32x4.mul(a1, m), c);
      a2 = f32x4.add(f32x4.mul(a2, m), c); a3 = f32x4.add(f32x4.mul(a3, m), c);
      a4 = f32x4.add(f32x4.mul(a4, m), c); a5 = f32x4.add(f32x4.mul(a5, m), c);
      a6 = f32x4.add(f32x4.mul(a6, m), c); a7 = f32x4.add(f32x4.mul(a7, m), c);
      a8 = f32x4.add(f32x4.mul(a8, m), c); a9 = f32x4.add(f32x4.mul(a9, m), c);
      a10 = f32x4.add(f32x4.mul(a10, m), c); a11 = f32x4.add(f32x4.mul(a11, m), c);
    }
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)),
    f32x4.add(f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)),
      f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))));
  return f32x4.extract_lane(s, 0);
}
export function fusedLoop(n: i32): f32 { return loop(n, true); }
export function plainLoop(n: i32): f32 { return loop(n, false); }
`;

/** Multiply-adds per loop iteration: 12 accumulators x 4 lanes. */
const MADDS_PER_ITER = 48;

async function compile(): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const { error, stderr } = await asc.main(
    [
      "peak.ts",
      "--outFile",
      "peak.wasm",
      "-O3",
      "--runtime",
      "stub",
      "--enable",
      "simd,relaxed-simd",
    ],
    {
      readFile: (name: string) => name === "peak.ts" ? SOURCE : null,
      writeFile(name: string, contents: Uint8Array | string) {
        if (name.endsWith(".wasm") && typeof contents !== "string") {
          binary = contents;
        }
      },
      listFiles: () => [],
    },
  );
  if (error || !binary) throw new Error(`asc failed: ${error}\n${stderr}`);
  return binary;
}

/** Worker body: times `iters` iterations of one loop, posts GFLOP/s. */
const WORKER = `
self.onmessage = (e) => {
  const { bytes, kind, iters } = e.data;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const f = kind === "fused" ? inst.exports.fusedLoop : inst.exports.plainLoop;
  // Let V8 tier the loop up from its baseline compiler (no on-stack
  // replacement in wasm: only later calls get the optimised code).
  const until = performance.now() + 300;
  while (performance.now() < until) f(100000);
  const t0 = performance.now();
  f(iters);
  const ms = performance.now() - t0;
  self.postMessage({ ms });
};
`;

/** GFLOP/s of `threads` workers running the loop at once. */
async function measure(
  bytes: Uint8Array,
  kind: "fused" | "plain",
  threads: number,
  iters: number,
): Promise<number> {
  const url = URL.createObjectURL(
    new Blob([WORKER], { type: "application/javascript" }),
  );
  const workers = Array.from(
    { length: threads },
    () => new Worker(url, { type: "module" }),
  );
  const times = await Promise.all(
    workers.map((w) =>
      new Promise<number>((resolve) => {
        w.onmessage = (e) => resolve(e.data.ms);
        w.postMessage({ bytes, kind, iters });
      })
    ),
  );
  workers.forEach((w) => w.terminate());
  URL.revokeObjectURL(url);
  const slowest = Math.max(...times);
  return (2 * MADDS_PER_ITER * iters * threads) / (slowest * 1e6);
}

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

/** Multiply-add throughput of wasm SIMD, in GFLOP/s. */
export interface SimdPeak {
  threads: number;
  fusedGflopsOneThread: number;
  fusedGflopsAllThreads: number;
  plainGflopsOneThread: number;
  plainGflopsAllThreads: number;
}

/**
 * Measures the fused and plain loops on one thread and on `threads` threads
 * at once (the best of two tries each), about `seconds` per measurement.
 */
export async function measurePeak(
  threads: number,
  seconds: number,
): Promise<SimdPeak> {
  const bytes = await compile();
  const probe = 2e6;
  const probeRate = await measure(bytes, "fused", 1, probe);
  const iters = Math.max(
    1000,
    Math.round((seconds * probeRate * 1e9) / (2 * MADDS_PER_ITER)),
  );
  const best = async (kind: "fused" | "plain", n: number) => {
    const a = await measure(bytes, kind, n, iters);
    const b = await measure(bytes, kind, n, iters);
    return Math.round(Math.max(a, b) * 10) / 10;
  };
  return {
    threads,
    fusedGflopsOneThread: await best("fused", 1),
    fusedGflopsAllThreads: await best("fused", threads),
    plainGflopsOneThread: await best("plain", 1),
    plainGflopsAllThreads: await best("plain", threads),
  };
}

if (import.meta.main) {
  const peak = await measurePeak(
    arg("--threads", navigator.hardwareConcurrency),
    arg("--seconds", 2),
  );
  console.log(JSON.stringify(peak));
}
