// AssemblyScript (not Deno TypeScript): a direct 3x3 'same' convolution of
// NHWC data with few input channels (the models' first conv reads the grey
// image: C = 1, where Winograd's transforms cost more than they save), with
// bias, optional ReLU, and optional 2x2 max-pool of its output, so that the
// full-size output is never written. Built by lib/kernels/plumbing/build.ts
// into lib/kernels/plumbing/kernels_wasm.ts.
//
// Each image is first copied into a zero-bordered buffer, so that no tap
// needs a bounds test. One input channel (the models' case): 4 output
// channels at a time over the whole image, their 9 weight vectors kept in
// registers, 4 outputs (a pooling window, or 4 neighbours in a row) from
// their shared input patch, each input loaded once (16 or 18 loads for 36
// fused multiply-adds). More channels: register tiles of 4 output pixels x
// 8 output channels (8 accumulators, 4 broadcast inputs, 2 weight vectors),
// then 4 and 1 channels at a time.

// Max-pooling and ReLU use pmax (b < a ? a : b, one instruction): V8's
// f32x4.max adds NaN and signed-zero fix-ups (only -0 vs +0 can differ).

import { ld, st } from "../plumbing/lanes";

/** Copies image x (H x W x C) into pad ((H + 2) x (W + 2) x C, zero border). */
@inline function padImage(
  x: usize, pad: usize, H: i32, W: i32, C: i32,
): void {
  const rowB = <usize>(W * C) << 2;
  const prow = <usize>((W + 2) * C) << 2;
  const pixB = <usize>C << 2;
  memory.fill(pad, 0, prow);
  for (let r = 0; r < H; r++) {
    const d = pad + <usize>(r + 1) * prow;
    memory.fill(d, 0, pixB);
    memory.copy(d + pixB, x + <usize>r * rowB, rowB);
    memory.fill(d + pixB + rowB, 0, pixB);
  }
  memory.fill(pad + <usize>(H + 1) * prow, 0, prow);
}

/**
 * bias + conv at the 4 output pixels whose 3x3 windows start at p0..p3 (in
 * the padded image), for channels k..k+7 (w, b offset to k); then either
 * their max (pool: one output at y0) or each at y0..y3.
 */
@inline function tile4x8(
  p0: usize, p1: usize, p2: usize, p3: usize, w: usize, b: usize, C: i32,
  K: i32, prow: usize, pixB: usize, relu: i32, pool: i32, y0: usize,
  y1: usize, y2: usize, y3: usize,
): void {
  let a00 = v128.load(b), a01 = v128.load(b, 16);
  let a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
  const cK = <usize>K << 2;
  let wp = w;
  for (let ky = 0; ky < 3; ky++) {
    for (let kx = 0; kx < 3; kx++) {
      const o = <usize>ky * prow + <usize>kx * pixB;
      for (let c = 0; c < C; c++) {
        const oc = o + (<usize>c << 2);
        const x0 = v128.load32_splat(p0 + oc), x1 = v128.load32_splat(p1 + oc);
        const x2 = v128.load32_splat(p2 + oc), x3 = v128.load32_splat(p3 + oc);
        const w0 = v128.load(wp), w1 = v128.load(wp, 16);
        a00 = f32x4.relaxed_madd(x0, w0, a00);
        a01 = f32x4.relaxed_madd(x0, w1, a01);
        a10 = f32x4.relaxed_madd(x1, w0, a10);
        a11 = f32x4.relaxed_madd(x1, w1, a11);
        a20 = f32x4.relaxed_madd(x2, w0, a20);
        a21 = f32x4.relaxed_madd(x2, w1, a21);
        a30 = f32x4.relaxed_madd(x3, w0, a30);
        a31 = f32x4.relaxed_madd(x3, w1, a31);
        wp += cK;
      }
    }
  }
  const zero = f32x4.splat(0);
  if (pool) {
    let m0 = f32x4.pmax(f32x4.pmax(a00, a10), f32x4.pmax(a20, a30));
    let m1 = f32x4.pmax(f32x4.pmax(a01, a11), f32x4.pmax(a21, a31));
    if (relu) {
      m0 = f32x4.pmax(m0, zero);
      m1 = f32x4.pmax(m1, zero);
    }
    v128.store(y0, m0);
    v128.store(y0, m1, 16);
    return;
  }
  if (relu) {
    a00 = f32x4.pmax(a00, zero); a01 = f32x4.pmax(a01, zero);
    a10 = f32x4.pmax(a10, zero); a11 = f32x4.pmax(a11, zero);
    a20 = f32x4.pmax(a20, zero); a21 = f32x4.pmax(a21, zero);
    a30 = f32x4.pmax(a30, zero); a31 = f32x4.pmax(a31, zero);
  }
  v128.store(y0, a00); v128.store(y0, a01, 16);
  v128.store(y1, a10); v128.store(y1, a11, 16);
  v128.store(y2, a20); v128.store(y2, a21, 16);
  v128.store(y3, a30); v128.store(y3, a31, 16);
}

/** The same for 4 channels from k (1 when !full). */
@inline function tile4x4(
  p0: usize, p1: usize, p2: usize, p3: usize, w: usize, b: usize, C: i32,
  K: i32, prow: usize, pixB: usize, relu: i32, pool: i32, y0: usize,
  y1: usize, y2: usize, y3: usize, full: bool,
): void {
  let a0 = ld(b, full);
  let a1 = a0, a2 = a0, a3 = a0;
  const cK = <usize>K << 2;
  let wp = w;
  for (let ky = 0; ky < 3; ky++) {
    for (let kx = 0; kx < 3; kx++) {
      const o = <usize>ky * prow + <usize>kx * pixB;
      for (let c = 0; c < C; c++) {
        const oc = o + (<usize>c << 2);
        const w0 = ld(wp, full);
        a0 = f32x4.relaxed_madd(v128.load32_splat(p0 + oc), w0, a0);
        a1 = f32x4.relaxed_madd(v128.load32_splat(p1 + oc), w0, a1);
        a2 = f32x4.relaxed_madd(v128.load32_splat(p2 + oc), w0, a2);
        a3 = f32x4.relaxed_madd(v128.load32_splat(p3 + oc), w0, a3);
        wp += cK;
      }
    }
  }
  const zero = f32x4.splat(0);
  if (pool) {
    let m = f32x4.pmax(f32x4.pmax(a0, a1), f32x4.pmax(a2, a3));
    if (relu) m = f32x4.pmax(m, zero);
    st(y0, m, full);
    return;
  }
  if (relu) {
    a0 = f32x4.pmax(a0, zero); a1 = f32x4.pmax(a1, zero);
    a2 = f32x4.pmax(a2, zero); a3 = f32x4.pmax(a3, zero);
  }
  st(y0, a0, full); st(y1, a1, full); st(y2, a2, full); st(y3, a3, full);
}

/** Every output channel of 4 pixels (windows at p0..p3; outputs y0..y3). */
@inline function tile4(
  p0: usize, p1: usize, p2: usize, p3: usize, w: usize, b: usize, C: i32,
  K: i32, prow: usize, pixB: usize, relu: i32, pool: i32, y0: usize,
  y1: usize, y2: usize, y3: usize,
): void {
  let k = 0;
  for (; k + 8 <= K; k += 8) {
    const o = <usize>k << 2;
    tile4x8(p0, p1, p2, p3, w + o, b + o, C, K, prow, pixB, relu, pool, y0 + o,
      y1 + o, y2 + o, y3 + o);
  }
  for (; k + 4 <= K; k += 4) {
    const o = <usize>k << 2;
    tile4x4(p0, p1, p2, p3, w + o, b + o, C, K, prow, pixB, relu, pool, y0 + o,
      y1 + o, y2 + o, y3 + o, true);
  }
  for (; k < K; k++) {
    const o = <usize>k << 2;
    tile4x4(p0, p1, p2, p3, w + o, b + o, C, K, prow, pixB, relu, pool, y0 + o,
      y1 + o, y2 + o, y3 + o, false);
  }
}

/**
 * One input channel, pooled: for the 2x2 window whose 4x4 input patch
 * starts at p (padded image), channels k..k+3 (1 when !full) of
 * act(max over the window of bias + conv), to y. The 9 weights w0..w8
 * stay in registers; each of the 16 inputs is loaded once.
 */
@inline function pool1(
  p: usize, prow: usize, w0: v128, w1: v128, w2: v128, w3: v128, w4: v128,
  w5: v128, w6: v128, w7: v128, w8: v128, b: v128, relu: i32, y: usize,
  full: bool,
): void {
  let a00 = b, a01 = b, a10 = b, a11 = b;
  let x = b;
  x = v128.load32_splat(p);
  a00 = f32x4.relaxed_madd(x, w0, a00);
  x = v128.load32_splat(p, 4);
  a00 = f32x4.relaxed_madd(x, w1, a00);
  a01 = f32x4.relaxed_madd(x, w0, a01);
  x = v128.load32_splat(p, 8);
  a00 = f32x4.relaxed_madd(x, w2, a00);
  a01 = f32x4.relaxed_madd(x, w1, a01);
  x = v128.load32_splat(p, 12);
  a01 = f32x4.relaxed_madd(x, w2, a01);
  x = v128.load32_splat(p + prow);
  a00 = f32x4.relaxed_madd(x, w3, a00);
  a10 = f32x4.relaxed_madd(x, w0, a10);
  x = v128.load32_splat(p + prow, 4);
  a00 = f32x4.relaxed_madd(x, w4, a00);
  a01 = f32x4.relaxed_madd(x, w3, a01);
  a10 = f32x4.relaxed_madd(x, w1, a10);
  a11 = f32x4.relaxed_madd(x, w0, a11);
  x = v128.load32_splat(p + prow, 8);
  a00 = f32x4.relaxed_madd(x, w5, a00);
  a01 = f32x4.relaxed_madd(x, w4, a01);
  a10 = f32x4.relaxed_madd(x, w2, a10);
  a11 = f32x4.relaxed_madd(x, w1, a11);
  x = v128.load32_splat(p + prow, 12);
  a01 = f32x4.relaxed_madd(x, w5, a01);
  a11 = f32x4.relaxed_madd(x, w2, a11);
  x = v128.load32_splat(p + 2 * prow);
  a00 = f32x4.relaxed_madd(x, w6, a00);
  a10 = f32x4.relaxed_madd(x, w3, a10);
  x = v128.load32_splat(p + 2 * prow, 4);
  a00 = f32x4.relaxed_madd(x, w7, a00);
  a01 = f32x4.relaxed_madd(x, w6, a01);
  a10 = f32x4.relaxed_madd(x, w4, a10);
  a11 = f32x4.relaxed_madd(x, w3, a11);
  x = v128.load32_splat(p + 2 * prow, 8);
  a00 = f32x4.relaxed_madd(x, w8, a00);
  a01 = f32x4.relaxed_madd(x, w7, a01);
  a10 = f32x4.relaxed_madd(x, w5, a10);
  a11 = f32x4.relaxed_madd(x, w4, a11);
  x = v128.load32_splat(p + 2 * prow, 12);
  a01 = f32x4.relaxed_madd(x, w8, a01);
  a11 = f32x4.relaxed_madd(x, w5, a11);
  x = v128.load32_splat(p + 3 * prow);
  a10 = f32x4.relaxed_madd(x, w6, a10);
  x = v128.load32_splat(p + 3 * prow, 4);
  a10 = f32x4.relaxed_madd(x, w7, a10);
  a11 = f32x4.relaxed_madd(x, w6, a11);
  x = v128.load32_splat(p + 3 * prow, 8);
  a10 = f32x4.relaxed_madd(x, w8, a10);
  a11 = f32x4.relaxed_madd(x, w7, a11);
  x = v128.load32_splat(p + 3 * prow, 12);
  a11 = f32x4.relaxed_madd(x, w8, a11);
  let m = f32x4.pmax(f32x4.pmax(a00, a01), f32x4.pmax(a10, a11));
  if (relu) m = f32x4.pmax(m, f32x4.splat(0));
  st(y, m, full);
}

/**
 * One input channel, not pooled: 4 neighbouring outputs of a row, whose
 * 3x6 input patch starts at p, channels k..k+3 (1 when !full), to y0..y3
 * (yPix apart). Weights in registers, each of the 18 inputs loaded once.
 */
@inline function row1(
  p: usize, prow: usize, w0: v128, w1: v128, w2: v128, w3: v128, w4: v128,
  w5: v128, w6: v128, w7: v128, w8: v128, b: v128, relu: i32, y: usize,
  yPix: usize, full: bool,
): void {
  let a0 = b, a1 = b, a2 = b, a3 = b;
  let x = b;
  x = v128.load32_splat(p);
  a0 = f32x4.relaxed_madd(x, w0, a0);
  x = v128.load32_splat(p, 4);
  a0 = f32x4.relaxed_madd(x, w1, a0);
  a1 = f32x4.relaxed_madd(x, w0, a1);
  x = v128.load32_splat(p, 8);
  a0 = f32x4.relaxed_madd(x, w2, a0);
  a1 = f32x4.relaxed_madd(x, w1, a1);
  a2 = f32x4.relaxed_madd(x, w0, a2);
  x = v128.load32_splat(p, 12);
  a1 = f32x4.relaxed_madd(x, w2, a1);
  a2 = f32x4.relaxed_madd(x, w1, a2);
  a3 = f32x4.relaxed_madd(x, w0, a3);
  x = v128.load32_splat(p, 16);
  a2 = f32x4.relaxed_madd(x, w2, a2);
  a3 = f32x4.relaxed_madd(x, w1, a3);
  x = v128.load32_splat(p, 20);
  a3 = f32x4.relaxed_madd(x, w2, a3);
  x = v128.load32_splat(p + prow);
  a0 = f32x4.relaxed_madd(x, w3, a0);
  x = v128.load32_splat(p + prow, 4);
  a0 = f32x4.relaxed_madd(x, w4, a0);
  a1 = f32x4.relaxed_madd(x, w3, a1);
  x = v128.load32_splat(p + prow, 8);
  a0 = f32x4.relaxed_madd(x, w5, a0);
  a1 = f32x4.relaxed_madd(x, w4, a1);
  a2 = f32x4.relaxed_madd(x, w3, a2);
  x = v128.load32_splat(p + prow, 12);
  a1 = f32x4.relaxed_madd(x, w5, a1);
  a2 = f32x4.relaxed_madd(x, w4, a2);
  a3 = f32x4.relaxed_madd(x, w3, a3);
  x = v128.load32_splat(p + prow, 16);
  a2 = f32x4.relaxed_madd(x, w5, a2);
  a3 = f32x4.relaxed_madd(x, w4, a3);
  x = v128.load32_splat(p + prow, 20);
  a3 = f32x4.relaxed_madd(x, w5, a3);
  x = v128.load32_splat(p + 2 * prow);
  a0 = f32x4.relaxed_madd(x, w6, a0);
  x = v128.load32_splat(p + 2 * prow, 4);
  a0 = f32x4.relaxed_madd(x, w7, a0);
  a1 = f32x4.relaxed_madd(x, w6, a1);
  x = v128.load32_splat(p + 2 * prow, 8);
  a0 = f32x4.relaxed_madd(x, w8, a0);
  a1 = f32x4.relaxed_madd(x, w7, a1);
  a2 = f32x4.relaxed_madd(x, w6, a2);
  x = v128.load32_splat(p + 2 * prow, 12);
  a1 = f32x4.relaxed_madd(x, w8, a1);
  a2 = f32x4.relaxed_madd(x, w7, a2);
  a3 = f32x4.relaxed_madd(x, w6, a3);
  x = v128.load32_splat(p + 2 * prow, 16);
  a2 = f32x4.relaxed_madd(x, w8, a2);
  a3 = f32x4.relaxed_madd(x, w7, a3);
  x = v128.load32_splat(p + 2 * prow, 20);
  a3 = f32x4.relaxed_madd(x, w8, a3);
  if (relu) {
    const zero = f32x4.splat(0);
    a0 = f32x4.pmax(a0, zero); a1 = f32x4.pmax(a1, zero);
    a2 = f32x4.pmax(a2, zero); a3 = f32x4.pmax(a3, zero);
  }
  st(y, a0, full); st(y + yPix, a1, full);
  st(y + 2 * yPix, a2, full); st(y + 3 * yPix, a3, full);
}

/**
 * The whole image for one input channel (C = 1), channels k..k+3 (1 when
 * !full) at a time: the 9 weight vectors stay in registers over the image.
 */
@inline function image1(
  pad: usize, w: usize, b: usize, y: usize, H: i32, W: i32, K: i32, relu: i32,
  pool: i32, k: i32, full: bool,
): void {
  const o = <usize>k << 2;
  const tap = <usize>K << 2;
  const wk = w + o;
  const w0 = ld(wk, full), w1 = ld(wk + tap, full), w2 = ld(wk + 2 * tap, full);
  const w3 = ld(wk + 3 * tap, full), w4 = ld(wk + 4 * tap, full);
  const w5 = ld(wk + 5 * tap, full), w6 = ld(wk + 6 * tap, full);
  const w7 = ld(wk + 7 * tap, full), w8 = ld(wk + 8 * tap, full);
  const bk = ld(b + o, full);
  const prow = <usize>(W + 2) << 2;
  const yPix = <usize>K << 2;
  if (pool) {
    const YH = H >> 1, YW = W >> 1;
    for (let py = 0; py < YH; py++) {
      const pr = pad + <usize>(2 * py) * prow;
      const yr = y + <usize>(py * YW) * yPix + o;
      for (let px = 0; px < YW; px++) {
        pool1(pr + (<usize>px << 3), prow, w0, w1, w2, w3, w4, w5, w6, w7, w8,
          bk, relu, yr + <usize>px * yPix, full);
      }
    }
    return;
  }
  for (let oy = 0; oy < H; oy++) {
    const pr = pad + <usize>oy * prow;
    const yr = y + <usize>(oy * W) * yPix + o;
    // The last group overlaps the one before when W is not a multiple of 4
    // (recomputing those pixels the same way).
    for (let ox = 0; ox < W; ox += 4) {
      const x0 = min(ox, W - 4);
      row1(pr + (<usize>x0 << 2), prow, w0, w1, w2, w3, w4, w5, w6, w7, w8, bk,
        relu, yr + <usize>x0 * yPix, yPix, full);
    }
  }
}

/**
 * y = act(bias + conv3x3(x, w)), 'same' padding, for images [n0, n1) of x
 * [N, H, W, C], w [3][3][C][K], bias [K] (bPtr required); with `pool`, y is
 * the 2x2 max-pool [N, H / 2, W / 2, K] (H, W even), else [N, H, W, K].
 * padPtr: (H + 2) * (W + 2) * C * 4 bytes (this call's own); relu, pool: 0
 * or 1.
 */
export function convSmall(
  xPtr: usize, wPtr: usize, bPtr: usize, yPtr: usize, padPtr: usize, n0: i32,
  n1: i32, H: i32, W: i32, C: i32, K: i32, relu: i32, pool: i32,
): void {
  const pixB = <usize>C << 2;
  const prow = <usize>(W + 2) * pixB;
  const yPix = <usize>K << 2;
  for (let n = n0; n < n1; n++) {
    padImage(xPtr + <usize>(n * H * W) * pixB, padPtr, H, W, C);
    if (C == 1 && (pool || W >= 4)) {
      const yImg = yPtr + <usize>(n * H * W) * yPix / (pool ? 4 : 1);
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        image1(padPtr, wPtr, bPtr, yImg, H, W, K, relu, pool, k, true);
      }
      for (; k < K; k++) {
        image1(padPtr, wPtr, bPtr, yImg, H, W, K, relu, pool, k, false);
      }
      continue;
    }
    if (pool) {
      const YH = H >> 1, YW = W >> 1;
      for (let py = 0; py < YH; py++) {
        for (let px = 0; px < YW; px++) {
          const p = padPtr + <usize>(2 * py) * prow + <usize>(2 * px) * pixB;
          const y = yPtr + <usize>((n * YH + py) * YW + px) * yPix;
          tile4(p, p + pixB, p + prow, p + prow + pixB, wPtr, bPtr, C, K, prow,
            pixB, relu, 1, y, y, y, y);
        }
      }
      continue;
    }
    for (let oy = 0; oy < H; oy++) {
      const pRow = padPtr + <usize>oy * prow;
      const yRow = yPtr + <usize>((n * H + oy) * W) * yPix;
      // 4 neighbours at a time; the last group overlaps the one before
      // (recomputing a pixel the same way) when W is not a multiple of 4.
      for (let ox = 0; ox < W; ox += 4) {
        const x0 = W >= 4 ? min(ox, W - 4) : ox;
        const q0 = min(x0, W - 1), q1 = min(x0 + 1, W - 1);
        const q2 = min(x0 + 2, W - 1), q3 = min(x0 + 3, W - 1);
        tile4(pRow + <usize>q0 * pixB, pRow + <usize>q1 * pixB,
          pRow + <usize>q2 * pixB, pRow + <usize>q3 * pixB, wPtr, bPtr, C, K,
          prow, pixB, relu, 0, yRow + <usize>q0 * yPix,
          yRow + <usize>q1 * yPix, yRow + <usize>q2 * yPix,
          yRow + <usize>q3 * yPix);
      }
    }
  }
}
