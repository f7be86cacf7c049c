/**
 * The memory-bound own kernels (column sums, centred dot products, per-channel
 * affine maps, ReLU and max-pool gradients) split by rows over the helper
 * threads of the threaded wasm backend (helper_threads.ts); one share, on
 * this thread, when there are no helpers or the tensor is small.
 *
 * @module
 */
import {
  type BackendWasm,
  getThreadsCount,
} from "@tensorflow/tfjs-backend-wasm";
import { helpersFor, runShares, splitRange } from "../helper_threads.ts";
import { backendMemory, heapAlloc, kernelsFor } from "../own_wasm.ts";

/** Below this many elements a second thread costs more than it saves. */
const MIN_PARALLEL = 1 << 16;

/** Kernels, helpers and row ranges for `rows` rows of `cols` elements. */
function plan(backend: BackendWasm, rows: number, cols: number, align = 1) {
  const memory = backendMemory(backend);
  const kernels = kernelsFor(memory);
  const helpers = rows * cols >= MIN_PARALLEL
    ? helpersFor(memory, getThreadsCount())
    : [];
  const ranges = splitRange(rows, helpers.length + 1, align);
  return { memory, kernels, helpers, ranges };
}

/**
 * out[c] = scale * sum_r x[r, c] ([rows, C] at byte offset x).
 */
export function columnSums(
  backend: BackendWasm,
  x: number,
  out: number,
  rows: number,
  C: number,
  scale: number,
): void {
  const { memory, kernels, helpers, ranges } = plan(backend, rows, C);
  const heap = heapAlloc(backend);
  if (ranges.length <= 1) {
    const tmp = heap.malloc(12 * C + 8);
    kernels.columnSums(x, out, tmp, rows, C, scale);
    heap.free(tmp);
    return;
  }
  // Per share: C float32 sums, then (8-byte aligned) 12 * C bytes of scratch.
  const bufs = ranges.map(() => heap.malloc(20 * C + 8));
  runShares(
    kernels,
    helpers,
    "columnSums",
    ranges.map((
      [r0, r1],
      i,
    ) => [x + r0 * C * 4, bufs[i], bufs[i] + 8 * C, r1 - r0, C, 1]),
  );
  const result = new Float32Array(memory.buffer, out, C);
  const parts = bufs.map((b) => new Float32Array(memory.buffer, b, C));
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (const p of parts) s += p[c];
    result[c] = s * scale;
  }
  bufs.forEach((b) => heap.free(b));
}

/**
 * out2[c] = scale * sum_r u'(v - m[c]) and out1[c] = sum_r u (unless out1 is
 * 0); u' = u - m[c] when centreU (see as/channel_ops.as).
 */
export function columnCentredDots(
  backend: BackendWasm,
  ptrs: { u: number; v: number; m: number; out1: number; out2: number },
  rows: number,
  C: number,
  centreU: boolean,
  scale: number,
): void {
  const { memory, kernels, helpers, ranges } = plan(backend, rows, C);
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
export function channelAffine(
  backend: BackendWasm,
  ptrs: { u: number; v: number; out: number; a: number; b: number; d: number },
  rows: number,
  C: number,
): void {
  const { kernels, helpers, ranges } = plan(backend, rows, C);
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

/** dx = dy where x > 0, else 0, over n elements. */
export function reluGrad(
  backend: BackendWasm,
  x: number,
  dy: number,
  dx: number,
  n: number,
): void {
  const { kernels, helpers, ranges } = plan(backend, n, 1, 4);
  runShares(
    kernels,
    helpers,
    "reluGrad",
    ranges.map(([i0, i1]) => [x + 4 * i0, dy + 4 * i0, dx + 4 * i0, i1 - i0]),
  );
}

/** The 2x2 max-pool gradient, split by images. */
export function maxPool2x2Grad(
  backend: BackendWasm,
  ptrs: { x: number; y: number; dy: number; dx: number },
  [N, H, W, C]: number[],
): void {
  const { kernels, helpers, ranges } = plan(backend, N, H * W * C);
  const inImage = H * W * C * 4;
  const outImage = (H >> 1) * (W >> 1) * C * 4;
  runShares(
    kernels,
    helpers,
    "maxPool2x2Grad",
    ranges.map(([n0, n1]) => [
      ptrs.x + n0 * inImage,
      ptrs.y + n0 * outImage,
      ptrs.dy + n0 * outImage,
      ptrs.dx + n0 * inImage,
      n1 - n0,
      H,
      W,
      C,
    ]),
  );
}

/** Nearest x2 upsampling of NHWC data, split by images and rows. */
export function upsample2x(
  backend: BackendWasm,
  src: number,
  dst: number,
  [N, H, W, C]: number[],
): void {
  const { kernels, helpers, ranges } = plan(backend, N * H, W * C);
  const inRow = W * C * 4;
  runShares(
    kernels,
    helpers,
    "upsample2x",
    ranges.map((
      [r0, r1],
    ) => [src + r0 * inRow, dst + 4 * r0 * inRow, r1 - r0, 1, W, C]),
  );
}

/**
 * Softmax cross-entropy rows [0, rows) with all labels valid (checked by the
 * caller): gradient, and per share the row stats at stats + 8 * r0 (the
 * share's sums, then its max - x[label]); returns the shares' row ranges.
 */
export function softmaxXent(
  backend: BackendWasm,
  ptrs: { logits: number; labels: number; grad: number; stats: number },
  rows: number,
  C: number,
): [number, number][] {
  const { kernels, helpers, ranges } = plan(backend, rows, C);
  runShares(
    kernels,
    helpers,
    "softmaxXent",
    ranges.map(([r0, r1]) => [
      ptrs.logits + 4 * r0 * C,
      ptrs.labels + 4 * r0,
      ptrs.grad + 4 * r0 * C,
      ptrs.stats + 8 * r0,
      r1 - r0,
      C,
      rows,
    ]),
  );
  return ranges;
}
