/**
 * The Winograd convolution kernels alone, on the handout models' eight 3x3
 * layer shapes (CNN conv2-6, UNet conv4-6 with their concatenated inputs),
 * one thread, on plain arrays: the minimum CPU time of `reps` calls per
 * layer (the minimum and CPU time shrug off other processes better than
 * wall-clock means on a shared machine).
 *
 * ```sh
 * deno run -A bench/kernels/conv_layers.ts [forward|filter-grad] [--reps 15] [--batch 100]
 * ```
 *
 * @module
 */
import process from "node:process";
import { convGeometry } from "../../lib/kernels/conv/conv_geometry.ts";
import { seededRng } from "../../lib/random.ts";
import { winogradConvSimd, winogradFilterGradSimd } from "./plain_arrays.ts";

/** [name, height = width, input channels, output channels]. */
export const LAYERS: [string, number, number, number][] = [
  ["cnn conv2", 16, 32, 64],
  ["cnn conv3", 8, 64, 64],
  ["cnn conv4", 8, 64, 32],
  ["cnn conv5", 16, 32, 24],
  ["cnn conv6", 32, 24, 24],
  ["unet conv4", 8, 128, 32],
  ["unet conv5", 16, 64, 24],
  ["unet conv6", 32, 25, 24],
];

/** One layer's time. */
export interface LayerTime {
  name: string;
  /** Minimum CPU milliseconds of one call. */
  ms: number;
  /** Multiply-adds of the direct convolution per second, in billions. */
  gmacs: number;
}

function random(n: number, seed: number): Float32Array {
  const rng = seededRng(seed);
  return Float32Array.from({ length: n }, () => rng() * 2 - 1);
}

/** Times the forward pass or the filter gradient on every layer shape. */
export function timeLayers(
  kind: "forward" | "filter-grad",
  reps: number,
  batch: number,
): LayerTime[] {
  return LAYERS.map(([name, h, c, k]) => {
    const g = convGeometry([batch, h, h, c], [3, 3, c, k], {
      strides: 1,
      pad: "same",
    });
    const x = random(batch * h * h * c, 1);
    const other = kind === "forward"
      ? random(9 * c * k, 2)
      : random(batch * h * h * k, 3);
    const call = kind === "forward"
      ? () => winogradConvSimd(x, other, g)
      : () => winogradFilterGradSimd(x, other, g);
    call();
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      call();
      const used = process.cpuUsage(c0);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    const macs = batch * h * h * 9 * c * k;
    return { name, ms: best, gmacs: best > 0 ? macs / best / 1e6 : 0 };
  });
}

if (import.meta.main) {
  const kind = Deno.args.includes("filter-grad") ? "filter-grad" : "forward";
  const arg = (flag: string, fallback: number) => {
    const i = Deno.args.indexOf(flag);
    const v = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
    if (!Number.isInteger(v) || v < 1) {
      console.error(`error: ${flag} needs a positive integer`);
      Deno.exit(2);
    }
    return v;
  };
  const rows = timeLayers(kind, arg("--reps", 15), arg("--batch", 100));
  const [a, b, c] = Deno.loadavg();
  console.log(`${kind}, one thread; load average ${a}, ${b}, ${c}`);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(11)} ${r.ms.toFixed(2).padStart(7)} ms  ${
        r.gmacs.toFixed(1).padStart(5)
      } GMAC/s (direct-equivalent)`,
    );
  }
  console.log(
    `total       ${
      rows.reduce((s, r) => s + r.ms, 0).toFixed(1).padStart(7)
    } ms`,
  );
}
