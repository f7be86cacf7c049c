/**
 * BatchNorm in training mode over the last axis as two fused wasm kernels
 * (SIMD, on the backend's heap):
 * - ColourlabBatchNormTrain: {x, gamma, beta} -> [y, mean, variance]
 *   (biased batch variance): 3 passes over x instead of ~10 generic ops;
 * - ColourlabBatchNormTrainGrad: {dy, x, mean, variance, gamma} ->
 *   [dx, dGamma, dBeta]: 2 passes, with x-hat recomputed, not stored.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { backendMemory, heapAlloc, heapOffset } from "../plumbing/own_wasm.ts";
import { rowShares } from "../plumbing/row_shares.ts";
import { runShares } from "../plumbing/helper_threads.ts";
import { columnSums } from "../reduce/wasm_reduce_leading.ts";

import { BN_TRAIN, BN_TRAIN_GRAD } from "../kernel_names.ts";

export { BN_TRAIN, BN_TRAIN_GRAD };

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
};

function f32(backend: BackendWasm, ptr: number, n: number): Float32Array {
  return new Float32Array(backendMemory(backend).buffer, ptr, n);
}

function forward(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo>;
  const eps = (args.attrs as unknown as { epsilon: number }).epsilon;
  const C = x.shape[x.shape.length - 1];
  const rows = tf.util.sizeFromShape(x.shape) / C;
  const y = backend.makeOutput(x.shape, "float32");
  const mean = backend.makeOutput([C], "float32");
  const variance = backend.makeOutput([C], "float32");
  const at = (t: tf.TensorInfo) => heapOffset(backend, t.dataId);
  columnSums(backend, at(x), at(mean), rows, C, 1 / rows);
  const moments = {
    u: at(x),
    v: at(x),
    m: at(mean),
    out1: 0,
    out2: at(variance),
  };
  columnCentredDots(backend, moments, rows, C, true, 1 / rows);
  // y = x * a + d with a = gamma / sqrt(var + eps), d = beta - mean * a.
  const heap = heapAlloc(backend);
  const coef = heap.malloc(8 * C);
  const av = f32(backend, coef, C);
  const dv = f32(backend, coef + 4 * C, C);
  const g = f32(backend, at(gamma), C);
  const b = f32(backend, at(beta), C);
  const m = f32(backend, at(mean), C);
  const v = f32(backend, at(variance), C);
  for (let c = 0; c < C; c++) {
    av[c] = g[c] / Math.sqrt(v[c] + eps);
    dv[c] = b[c] - m[c] * av[c];
  }
  const affine = { u: at(x), v: 0, out: at(y), a: coef, b: 0, d: coef + 4 * C };
  channelAffine(backend, affine, rows, C);
  heap.free(coef);
  return [y, mean, variance];
}

function backward(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { dy, x, mean, variance, gamma } = args.inputs as Record<
    string,
    tf.TensorInfo
  >;
  const eps = (args.attrs as unknown as { epsilon: number }).epsilon;
  const C = x.shape[x.shape.length - 1];
  const rows = tf.util.sizeFromShape(x.shape) / C;
  const dx = backend.makeOutput(x.shape, "float32");
  const dGamma = backend.makeOutput([C], "float32");
  const dBeta = backend.makeOutput([C], "float32");
  const at = (t: tf.TensorInfo) => heapOffset(backend, t.dataId);
  // dBeta = sum dy; dGamma = invStd * sum dy * (x - mean).
  const sums = {
    u: at(dy),
    v: at(x),
    m: at(mean),
    out1: at(dBeta),
    out2: at(dGamma),
  };
  columnCentredDots(backend, sums, rows, C, false, 1);
  // dx = k1 * dy + k2 * x + k3 with k1 = g * inv,
  // k2 = -k1 * inv * dGamma / n, k3 = -k1 * dBeta / n - k2 * mean.
  const heap = heapAlloc(backend);
  const k1 = heap.malloc(12 * C);
  const k2 = k1 + 4 * C;
  const k3 = k2 + 4 * C;
  const [k1v, k2v, k3v] = [k1, k2, k3].map((p) => f32(backend, p, C));
  const g = f32(backend, at(gamma), C);
  const m = f32(backend, at(mean), C);
  const v = f32(backend, at(variance), C);
  const dg = f32(backend, at(dGamma), C);
  const db = f32(backend, at(dBeta), C);
  for (let c = 0; c < C; c++) {
    const inv = 1 / Math.sqrt(v[c] + eps);
    dg[c] *= inv;
    k1v[c] = g[c] * inv;
    k2v[c] = (-k1v[c] * inv * dg[c]) / rows;
    k3v[c] = (-k1v[c] * db[c]) / rows - k2v[c] * m[c];
  }
  const affine = { u: at(dy), v: at(x), out: at(dx), a: k1, b: k2, d: k3 };
  channelAffine(backend, affine, rows, C);
  heap.free(k1);
  return [dx, dGamma, dBeta];
}

/**
 * The two kernel configs for the wasm backend.
 */
export const batchNormTrainConfigs: tf.KernelConfig[] = [
  {
    kernelName: BN_TRAIN,
    backendName: "wasm",
    kernelFunc: forward as unknown as tf.KernelFunc,
  },
  {
    kernelName: BN_TRAIN_GRAD,
    backendName: "wasm",
    kernelFunc: backward as unknown as tf.KernelFunc,
  },
];

/**
 * out2[c] = scale * sum_r u'(v - m[c]) and out1[c] = sum_r u (unless out1 is
 * 0); u' = u - m[c] when centreU (see ../batch_norm/channel_ops.as).
 */
function columnCentredDots(
  backend: BackendWasm,
  ptrs: { u: number; v: number; m: number; out1: number; out2: number },
  rows: number,
  C: number,
  centreU: boolean,
  scale: number,
): void {
  const { memory, kernels, helpers, ranges } = rowShares(backend, rows, C);
  const heap = heapAlloc(backend);
  const { u, v, m, out1, out2 } = ptrs;
  if (ranges.length <= 1) {
    const tmp = heap.malloc(24 * C + 8);
    kernels.columnCentredDots(
      u,
      v,
      m,
      out1,
      out2,
      tmp,
      rows,
      C,
      centreU ? 1 : 0,
      scale,
    );
    heap.free(tmp);
    return;
  }
  // Per share: C + C float32 results, then 24 * C bytes of scratch.
  const bufs = ranges.map(() => heap.malloc(32 * C + 8));
  runShares(
    kernels,
    helpers,
    "columnCentredDots",
    ranges.map(([r0, r1], i) => [
      u + r0 * C * 4,
      v + r0 * C * 4,
      m,
      bufs[i],
      bufs[i] + 4 * C,
      bufs[i] + 8 * C + 8,
      r1 - r0,
      C,
      centreU ? 1 : 0,
      1,
    ]),
  );
  const view = (p: number) => new Float32Array(memory.buffer, p, C);
  const r2 = view(out2);
  const r1 = out1 ? view(out1) : undefined;
  for (let c = 0; c < C; c++) {
    let s1 = 0;
    let s2 = 0;
    for (const b of bufs) {
      s1 += view(b)[c];
      s2 += view(b + 4 * C)[c];
    }
    if (r1) r1[c] = s1;
    r2[c] = s2 * scale;
  }
  bufs.forEach((b) => heap.free(b));
}

/** out = a[c] * u + b[c] * v + d[c] per row (v skipped when 0). */
function channelAffine(
  backend: BackendWasm,
  ptrs: { u: number; v: number; out: number; a: number; b: number; d: number },
  rows: number,
  C: number,
): void {
  const { kernels, helpers, ranges } = rowShares(backend, rows, C);
  const { u, v, out, a, b, d } = ptrs;
  runShares(
    kernels,
    helpers,
    "channelAffine",
    ranges.map(([r0, r1]) => [
      u + r0 * C * 4,
      v ? v + r0 * C * 4 : 0,
      out + r0 * C * 4,
      a,
      b,
      d,
      r1 - r0,
      C,
    ]),
  );
}
