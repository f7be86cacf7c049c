// AssemblyScript (not Deno TypeScript): the filter gradient of the 3x3,
// stride 1, undilated NHWC convolution by Winograd's minimal filtering
// F(2x2, 3x3); built by lib/kernels/plumbing/build.ts into
// lib/kernels/plumbing/kernels_wasm.ts.
//
// In the forward pass, each 2x2 block of outputs ("tile") would come from a
// 4x4 block of inputs:
//   Y = A' [ (G g G') * (B' d B) ] A     (* elementwise, per channel pair)
// so 16 multiplies per (tile, c, k) instead of 36. Tiles go in blocks of
// `blockT` so that a block's transformed inputs V [16][T][C] and gradients
// D [16][T][K] stay in the L2 cache. Transforms are SIMD over the channels
// (contiguous in NHWC); channel counts that are not multiples of 4 take a
// one-lane path through the same code.
//
// B' = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
// G  = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
// A' = [1 1 1 0; 0 1 -1 -1]

import { ld, st } from "../plumbing/lanes";
import { gemmT } from "./gemm";

/** d_r' = B' rows: (d0 - d2, d1 + d2, d2 - d1, d1 - d3). */
@inline function bt0(d0: v128, d2: v128): v128 { return f32x4.sub(d0, d2); }
@inline function bt1(d1: v128, d2: v128): v128 { return f32x4.add(d1, d2); }
@inline function bt2(d1: v128, d2: v128): v128 { return f32x4.sub(d2, d1); }
@inline function bt3(d1: v128, d3: v128): v128 { return f32x4.sub(d1, d3); }

/** Address of x at (n, iy, ix, 0), or the zero row outside the image. */
@inline function pixel(
  xImg: usize, zeroPtr: usize, iy: i32, ix: i32, H: i32, W: i32, C: i32,
): usize {
  return iy >= 0 && iy < H && ix >= 0 && ix < W
    ? xImg + (<usize>((iy * W + ix) * C) << 2)
    : zeroPtr;
}

/** One row r of B' d B from the 4 transformed columns, to planes 4r..4r+3. */
@inline function inputRow(
  q: usize, plane: usize, r: i32, a: v128, b: v128, c: v128, d: v128,
  full: bool,
): void {
  const at = q + <usize>(r * 4) * plane;
  st(at, bt0(a, c), full);
  st(at + plane, bt1(b, c), full);
  st(at + 2 * plane, bt2(b, c), full);
  st(at + 3 * plane, bt3(b, d), full);
}

/** V[xi][i][c] = (B' d B)[xi] for tiles [t0, t0 + count). */
function inputTransform(
  xPtr: usize, vPtr: usize, zeroPtr: usize, t0: i32, count: i32, blockT: i32,
  H: i32, W: i32, C: i32, tilesH: i32, tilesW: i32, pT: i32, pL: i32,
): void {
  const plane = <usize>(blockT * C) << 2;
  const perImage = tilesH * tilesW;
  for (let i = 0; i < count; i++) {
    const t = t0 + i;
    const n = t / perImage;
    const ty = (t % perImage) / tilesW;
    const tx = t % tilesW;
    const xImg = xPtr + (<usize>(n * H * W * C) << 2);
    const iy = 2 * ty - pT;
    const ix = 2 * tx - pL;
    // The 16 input pixels of the tile (or the zero row).
    const p00 = pixel(xImg, zeroPtr, iy, ix, H, W, C);
    const p01 = pixel(xImg, zeroPtr, iy, ix + 1, H, W, C);
    const p02 = pixel(xImg, zeroPtr, iy, ix + 2, H, W, C);
    const p03 = pixel(xImg, zeroPtr, iy, ix + 3, H, W, C);
    const p10 = pixel(xImg, zeroPtr, iy + 1, ix, H, W, C);
    const p11 = pixel(xImg, zeroPtr, iy + 1, ix + 1, H, W, C);
    const p12 = pixel(xImg, zeroPtr, iy + 1, ix + 2, H, W, C);
    const p13 = pixel(xImg, zeroPtr, iy + 1, ix + 3, H, W, C);
    const p20 = pixel(xImg, zeroPtr, iy + 2, ix, H, W, C);
    const p21 = pixel(xImg, zeroPtr, iy + 2, ix + 1, H, W, C);
    const p22 = pixel(xImg, zeroPtr, iy + 2, ix + 2, H, W, C);
    const p23 = pixel(xImg, zeroPtr, iy + 2, ix + 3, H, W, C);
    const p30 = pixel(xImg, zeroPtr, iy + 3, ix, H, W, C);
    const p31 = pixel(xImg, zeroPtr, iy + 3, ix + 1, H, W, C);
    const p32 = pixel(xImg, zeroPtr, iy + 3, ix + 2, H, W, C);
    const p33 = pixel(xImg, zeroPtr, iy + 3, ix + 3, H, W, C);
    const vRow = vPtr + (<usize>(i * C) << 2);
    for (let c = 0; c < C;) {
      const full = c + 4 <= C;
      const o = <usize>c << 2;
      // Columns j of B' d (rows combined), j = 0..3.
      let d0 = ld(p00 + o, full), d1 = ld(p10 + o, full);
      let d2 = ld(p20 + o, full), d3 = ld(p30 + o, full);
      const a0 = bt0(d0, d2), a1 = bt1(d1, d2), a2 = bt2(d1, d2), a3 = bt3(d1, d3);
      d0 = ld(p01 + o, full); d1 = ld(p11 + o, full);
      d2 = ld(p21 + o, full); d3 = ld(p31 + o, full);
      const b0 = bt0(d0, d2), b1 = bt1(d1, d2), b2 = bt2(d1, d2), b3 = bt3(d1, d3);
      d0 = ld(p02 + o, full); d1 = ld(p12 + o, full);
      d2 = ld(p22 + o, full); d3 = ld(p32 + o, full);
      const c0 = bt0(d0, d2), c1 = bt1(d1, d2), c2 = bt2(d1, d2), c3 = bt3(d1, d3);
      d0 = ld(p03 + o, full); d1 = ld(p13 + o, full);
      d2 = ld(p23 + o, full); d3 = ld(p33 + o, full);
      const e0 = bt0(d0, d2), e1 = bt1(d1, d2), e2 = bt2(d1, d2), e3 = bt3(d1, d3);
      // Row r of (B' d) B from (a_r, b_r, c_r, e_r).
      const q = vRow + o;
      inputRow(q, plane, 0, a0, b0, c0, e0, full);
      inputRow(q, plane, 1, a1, b1, c1, e1, full);
      inputRow(q, plane, 2, a2, b2, c2, e2, full);
      inputRow(q, plane, 3, a3, b3, c3, e3, full);
      c += full ? 4 : 1;
    }
  }
}

// The filter gradient by the same transforms (the transpose of the forward
// product): dW = G' [ sum over tiles (B' d B) * (A dY A') ] G, where dY is a
// tile's 2x2 block of output gradients. Per block: V as in the forward pass,
// D [16][T][K] = A dY A', then dU[xi] += V[xi]' . D[xi], a [C x T] . [T x K]
// product accumulated in dU [16][C][K]; winogradFilterFromGrad turns dU into
// dW once at the end.

/** One row (a, b) of (A dY) into A' columns: (a, a + b, a - b, -b). */
@inline function gradRow(
  q: usize, plane: usize, r: i32, a: v128, b: v128, full: bool,
): void {
  const at = q + <usize>(r * 4) * plane;
  st(at, a, full);
  st(at + plane, f32x4.add(a, b), full);
  st(at + 2 * plane, f32x4.sub(a, b), full);
  st(at + 3 * plane, f32x4.neg(b), full);
}

/** D[xi][i][k] = (A dY A')[xi] for tiles [t0, t0 + count) (dY 0 outside). */
function gradTransform(
  dyPtr: usize, dPtr: usize, t0: i32, count: i32, blockT: i32,
  OH: i32, OW: i32, K: i32, tilesH: i32, tilesW: i32,
): void {
  const plane = <usize>(blockT * K) << 2;
  const perImage = tilesH * tilesW;
  const zero = f32x4.splat(0);
  const pix = <usize>K << 2;
  const row = <usize>(OW * K) << 2;
  for (let i = 0; i < count; i++) {
    const t = t0 + i;
    const n = t / perImage;
    const oy = 2 * ((t % perImage) / tilesW);
    const ox = 2 * (t % tilesW);
    const right = ox + 1 < OW;
    const below = oy + 1 < OH;
    const p = dyPtr + (<usize>(((n * OH + oy) * OW + ox) * K) << 2);
    const dRow = dPtr + (<usize>(i * K) << 2);
    for (let k = 0; k < K;) {
      const full = k + 4 <= K;
      const o = <usize>k << 2;
      const y00 = ld(p + o, full);
      const y01 = right ? ld(p + pix + o, full) : zero;
      const y10 = below ? ld(p + row + o, full) : zero;
      const y11 = right && below ? ld(p + row + pix + o, full) : zero;
      // A dY rows: (y0.), (y0. + y1.), (y0. - y1.), (-y1.)
      const q = dRow + o;
      gradRow(q, plane, 0, y00, y01, full);
      gradRow(q, plane, 1, f32x4.add(y00, y10), f32x4.add(y01, y11), full);
      gradRow(q, plane, 2, f32x4.sub(y00, y10), f32x4.sub(y01, y11), full);
      gradRow(q, plane, 3, f32x4.neg(y10), f32x4.neg(y11), full);
      k += full ? 4 : 1;
    }
  }
}

/**
 * dU [16][C][K] += the transformed filter gradient of tiles [tile0, tile1)
 * (the caller zeroes dU once). zeroPtr: C zero floats; scratchPtr:
 * 64 * blockT * (C + K) bytes (this call's own).
 */
export function winogradGradU(
  xPtr: usize, dyPtr: usize, duPtr: usize, zeroPtr: usize, scratchPtr: usize,
  tile0: i32, tile1: i32,
  H: i32, W: i32, C: i32, OH: i32, OW: i32, K: i32, pT: i32, pL: i32,
  blockT: i32,
): void {
  const tilesH = (OH + 1) / 2;
  const tilesW = (OW + 1) / 2;
  const vPtr = scratchPtr;
  const dPtr = scratchPtr + (<usize>(16 * blockT * C) << 2);
  for (let b = tile0; b < tile1; b += blockT) {
    const count = min(blockT, tile1 - b);
    inputTransform(xPtr, vPtr, zeroPtr, b, count, blockT, H, W, C, tilesH,
      tilesW, pT, pL);
    gradTransform(dyPtr, dPtr, b, count, blockT, OH, OW, K, tilesH, tilesW);
    gemmT(vPtr, dPtr, duPtr, count, blockT, C, K);
  }
}

/** One row of G' rows: (a0 + (a1 + a2)/2, (a1 - a2)/2, (a1 + a2)/2 + a3). */
@inline function gtRow0(a0: v128, a1: v128, a2: v128, h: v128): v128 {
  return f32x4.add(a0, f32x4.mul(h, f32x4.add(a1, a2)));
}
@inline function gtRow1(a1: v128, a2: v128, h: v128): v128 {
  return f32x4.mul(h, f32x4.sub(a1, a2));
}
@inline function gtRow2(a1: v128, a2: v128, a3: v128, h: v128): v128 {
  return f32x4.add(f32x4.mul(h, f32x4.add(a1, a2)), a3);
}

/** One row (a0..a3) of G' dU into G: 3 taps at dw + tap0 .. tap0 + 2. */
@inline function fromGradRow(
  q: usize, tap: usize, tap0: i32, a0: v128, a1: v128, a2: v128, a3: v128,
  h: v128, full: bool,
): void {
  st(q + <usize>tap0 * tap, gtRow0(a0, a1, a2, h), full);
  st(q + <usize>(tap0 + 1) * tap, gtRow1(a1, a2, h), full);
  st(q + <usize>(tap0 + 2) * tap, gtRow2(a1, a2, a3, h), full);
}

/** dW [3][3][C][K] = G' dU G per (c, k) from dU [16][C][K]. */
export function winogradFilterFromGrad(
  duPtr: usize, dwPtr: usize, C: i32, K: i32,
): void {
  const tap = <usize>(C * K) << 2;
  const h = f32x4.splat(0.5);
  for (let c = 0; c < C; c++) {
    for (let k = 0; k < K;) {
      const full = k + 4 <= K;
      const off = <usize>(c * K + k) << 2;
      const p = duPtr + off;
      // G' dU: 3 rows of 4 (columns j), from the 4 rows of dU.
      let u0 = ld(p, full), u1 = ld(p + 4 * tap, full);
      let u2 = ld(p + 8 * tap, full), u3 = ld(p + 12 * tap, full);
      const b00 = gtRow0(u0, u1, u2, h), b10 = gtRow1(u1, u2, h);
      const b20 = gtRow2(u1, u2, u3, h);
      u0 = ld(p + tap, full); u1 = ld(p + 5 * tap, full);
      u2 = ld(p + 9 * tap, full); u3 = ld(p + 13 * tap, full);
      const b01 = gtRow0(u0, u1, u2, h), b11 = gtRow1(u1, u2, h);
      const b21 = gtRow2(u1, u2, u3, h);
      u0 = ld(p + 2 * tap, full); u1 = ld(p + 6 * tap, full);
      u2 = ld(p + 10 * tap, full); u3 = ld(p + 14 * tap, full);
      const b02 = gtRow0(u0, u1, u2, h), b12 = gtRow1(u1, u2, h);
      const b22 = gtRow2(u1, u2, u3, h);
      u0 = ld(p + 3 * tap, full); u1 = ld(p + 7 * tap, full);
      u2 = ld(p + 11 * tap, full); u3 = ld(p + 15 * tap, full);
      const b03 = gtRow0(u0, u1, u2, h), b13 = gtRow1(u1, u2, h);
      const b23 = gtRow2(u1, u2, u3, h);
      const q = dwPtr + off;
      fromGradRow(q, tap, 0, b00, b01, b02, b03, h, full);
      fromGradRow(q, tap, 3, b10, b11, b12, b13, h, full);
      fromGradRow(q, tap, 6, b20, b21, b22, b23, h, full);
      k += full ? 4 : 1;
    }
  }
}
