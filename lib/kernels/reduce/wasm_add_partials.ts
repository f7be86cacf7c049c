/**
 * Adds per-chunk partial results in chunk order (add_partials.as), split
 * over the helper threads by element ranges: what the filter gradients do
 * with their chunks' accumulators (a plain loop on the calling thread took
 * milliseconds per call).
 *
 * @module
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { runShares } from "../plumbing/helper_threads.ts";
import { rowShares } from "../plumbing/row_shares.ts";

/**
 * part0[j] += part1[j] + ... for j < n, where part i (n floats) starts at
 * byte offset base + i * 4 * n; the same float32 sums as a loop over parts.
 */
export function addPartials(
  backend: BackendWasm,
  base: number,
  n: number,
  parts: number,
): void {
  if (parts <= 1 || n === 0) return;
  const { kernels, helpers, ranges } = rowShares(backend, n, parts, 4);
  runShares(
    kernels,
    helpers,
    "addPartials",
    ranges.map(([j0, j1]) => [base, 4 * n, parts, j0, j1]),
  );
}
