/**
 * Shared helpers for kernel tests: seeded random arrays, running a function on
 * a named backend, and the tolerance rule max|a - b| <= 1e-4 * max|b|.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { seededRng } from "../../lib/random.ts";
import { registerOwnKernels } from "../../lib/kernels/mod.ts";

let ready = false;

/** Registers own kernels for wasm and cpu once (wasm first in the registry). */
export async function setUp(): Promise<void> {
  if (ready) return;
  registerOwnKernels("wasm");
  registerOwnKernels("cpu");
  await tf.setBackend("wasm");
  await tf.setBackend("cpu");
  ready = true;
}

/** Seeded uniform values in [-1, 1). */
export function randomArray(n: number, seed: number): Float32Array {
  const rng = seededRng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng() * 2 - 1;
  return a;
}

/** Product of a shape. */
export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Runs `fn` on `backend` with fresh tensors made from `arrays` and returns
 * the outputs' data (read outside any tidy); checks nothing leaks.
 */
export async function onBackend(
  backend: string,
  arrays: { data: Float32Array; shape: number[] }[],
  fn: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const ts = arrays.map((a) => tf.tensor(a.data, a.shape));
  const out = tf.tidy(() => fn(...ts));
  const outs = Array.isArray(out) ? out : [out];
  const data = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose([...outs, ...ts]);
  assert.strictEqual(
    tf.memory().numTensors,
    before,
    `${backend}: leaked tensors`,
  );
  return data;
}

/** Asserts max|a - b| <= tol * max|b| (b is the reference). */
export function assertClose(
  a: Float32Array,
  b: Float32Array,
  what: string,
  tol = 1e-4,
): void {
  assert.strictEqual(a.length, b.length, `${what}: length`);
  let maxB = 0;
  let maxDiff = 0;
  for (let i = 0; i < b.length; i++) {
    maxB = Math.max(maxB, Math.abs(b[i]));
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  }
  assert.ok(maxB > 0, `${what}: reference is all zeros`);
  assert.ok(
    maxDiff <= tol * maxB,
    `${what}: max|a-b| = ${maxDiff} > ${tol} * ${maxB}`,
  );
}
