// AssemblyScript (not Deno TypeScript): the filter gradient of the 3x3,
// stride 1, undilated NHWC convolution by Winograd's minimal filtering
// F(2x2, 3x3), and the register-tiled matrix product that it and the forward
// pass (winograd4.as, F(4x4, 3x3)) share; built by lib/kernels/build.ts into
// lib/kernels/as/kernels_wasm.ts.
//
// In the forward pass, each 2x2 block of outputs ("tile") would come from a
// 4x4 block of inputs:
//   Y = A' [ (G g G') * (B' d B) ] A     (* elementwise, per channel pair)
// so 16 multiplies per (tile, c, k) instead of 36: the product becomes 16
// independent matrix products [tiles x C] . [C x K], one per position xi of
// the 4x4 transformed tile, which run in the same fused multiply-add register
// tiles as a direct convolution (3 tiles x 16 channels). Tiles go in blocks
// of `blockT` so that a block's transformed inputs V [16][T][C] and products
// M [16][T][K] stay in the L2 cache. Transforms are SIMD over the channels
// (contiguous in NHWC); channel counts that are not multiples of 4 take a
// one-lane path through the same code.
//
// B' = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
// G  = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
// A' = [1 1 1 0; 0 1 -1 -1]

import { ld, st } from "./lanes";

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

/** M[rows 3] x [16 channels] = V rows . U over C (fused multiply-adds). */
@inline function gemm3x16(
  v: usize, u: usize, m: usize, C: i32, vRS: usize, uRS: usize, mRS: usize,
): void {
  let a00 = f32x4.splat(0), a01 = a00, a02 = a00, a03 = a00;
  let a10 = a00, a11 = a00, a12 = a00, a13 = a00;
  let a20 = a00, a21 = a00, a22 = a00, a23 = a00;
  let p = v;
  let w = u;
  for (let c = 0; c < C; c++) {
    const x0 = f32x4.splat(load<f32>(p));
    const x1 = f32x4.splat(load<f32>(p + vRS));
    const x2 = f32x4.splat(load<f32>(p + 2 * vRS));
    let y = v128.load(w);
    a00 = f32x4.relaxed_madd(x0, y, a00);
    a10 = f32x4.relaxed_madd(x1, y, a10);
    a20 = f32x4.relaxed_madd(x2, y, a20);
    y = v128.load(w, 16);
    a01 = f32x4.relaxed_madd(x0, y, a01);
    a11 = f32x4.relaxed_madd(x1, y, a11);
    a21 = f32x4.relaxed_madd(x2, y, a21);
    y = v128.load(w, 32);
    a02 = f32x4.relaxed_madd(x0, y, a02);
    a12 = f32x4.relaxed_madd(x1, y, a12);
    a22 = f32x4.relaxed_madd(x2, y, a22);
    y = v128.load(w, 48);
    a03 = f32x4.relaxed_madd(x0, y, a03);
    a13 = f32x4.relaxed_madd(x1, y, a13);
    a23 = f32x4.relaxed_madd(x2, y, a23);
    p += 4;
    w += uRS;
  }
  v128.store(m, a00); v128.store(m, a01, 16);
  v128.store(m, a02, 32); v128.store(m, a03, 48);
  m += mRS;
  v128.store(m, a10); v128.store(m, a11, 16);
  v128.store(m, a12, 32); v128.store(m, a13, 48);
  m += mRS;
  v128.store(m, a20); v128.store(m, a21, 16);
  v128.store(m, a22, 32); v128.store(m, a23, 48);
}

/** 3 rows x 8 channels. */
@inline function gemm3x8(
  v: usize, u: usize, m: usize, C: i32, vRS: usize, uRS: usize, mRS: usize,
): void {
  let a00 = f32x4.splat(0), a01 = a00, a10 = a00, a11 = a00;
  let a20 = a00, a21 = a00;
  let p = v;
  let w = u;
  for (let c = 0; c < C; c++) {
    const x0 = f32x4.splat(load<f32>(p));
    const x1 = f32x4.splat(load<f32>(p + vRS));
    const x2 = f32x4.splat(load<f32>(p + 2 * vRS));
    const y0 = v128.load(w), y1 = v128.load(w, 16);
    a00 = f32x4.relaxed_madd(x0, y0, a00);
    a01 = f32x4.relaxed_madd(x0, y1, a01);
    a10 = f32x4.relaxed_madd(x1, y0, a10);
    a11 = f32x4.relaxed_madd(x1, y1, a11);
    a20 = f32x4.relaxed_madd(x2, y0, a20);
    a21 = f32x4.relaxed_madd(x2, y1, a21);
    p += 4;
    w += uRS;
  }
  v128.store(m, a00); v128.store(m, a01, 16);
  m += mRS;
  v128.store(m, a10); v128.store(m, a11, 16);
  m += mRS;
  v128.store(m, a20); v128.store(m, a21, 16);
}

/** 1 row x 4 channels (or 1 channel when !full). */
@inline function gemm1x4(
  v: usize, u: usize, m: usize, C: i32, uRS: usize, full: bool,
): void {
  let a = f32x4.splat(0);
  let p = v;
  let w = u;
  for (let c = 0; c < C; c++) {
    a = f32x4.relaxed_madd(f32x4.splat(load<f32>(p)), ld(w, full), a);
    p += 4;
    w += uRS;
  }
  st(m, a, full);
}

/**
 * M[xi] = V[xi] . U[xi] for the block's `count` tiles, xi < planes (16 here,
 * 36 for F(4x4, 3x3) in winograd4.as).
 */
export function gemm(
  vPtr: usize, uPtr: usize, mPtr: usize, count: i32, blockT: i32, C: i32,
  K: i32, planes: i32,
): void {
  const vRS = <usize>C << 2;
  const uRS = <usize>K << 2;
  const mRS = <usize>K << 2;
  for (let xi = 0; xi < planes; xi++) {
    const v = vPtr + (<usize>(xi * blockT * C) << 2);
    const u = uPtr + (<usize>(xi * C * K) << 2);
    const m = mPtr + (<usize>(xi * blockT * K) << 2);
    let r = 0;
    for (; r + 3 <= count; r += 3) {
      const vr = v + <usize>r * vRS;
      const mr = m + <usize>r * mRS;
      let k = 0;
      for (; k + 16 <= K; k += 16) {
        gemm3x16(vr, u + (<usize>k << 2), mr + (<usize>k << 2), C, vRS, uRS, mRS);
      }
      if (k + 8 <= K) {
        gemm3x8(vr, u + (<usize>k << 2), mr + (<usize>k << 2), C, vRS, uRS, mRS);
        k += 8;
      }
      for (let j = 0; j < 3; j++) {
        gemmTail(vr + <usize>j * vRS, u, mr + <usize>j * mRS, C, K, k, uRS);
      }
    }
    for (; r < count; r++) {
      gemmTail(v + <usize>r * vRS, u, m + <usize>r * mRS, C, K, 0, uRS);
    }
  }
}

/** Channels [k, K) of one row, 4 then 1 at a time. */
@inline function gemmTail(
  v: usize, u: usize, m: usize, C: i32, K: i32, k: i32, uRS: usize,
): void {
  while (k < K) {
    const full = k + 4 <= K;
    gemm1x4(v, u + (<usize>k << 2), m + (<usize>k << 2), C, uRS, full);
    k += full ? 4 : 1;
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

/** dU rows c..c+2 x 16 channels += sum over t of V[t][c..] D[t][k..]. */
@inline function gemmT3x16(
  v: usize, d: usize, du: usize, count: i32, vRS: usize, dRS: usize,
  duRS: usize,
): void {
  let a00 = v128.load(du), a01 = v128.load(du, 16);
  let a02 = v128.load(du, 32), a03 = v128.load(du, 48);
  let a10 = v128.load(du + duRS), a11 = v128.load(du + duRS, 16);
  let a12 = v128.load(du + duRS, 32), a13 = v128.load(du + duRS, 48);
  let a20 = v128.load(du + 2 * duRS), a21 = v128.load(du + 2 * duRS, 16);
  let a22 = v128.load(du + 2 * duRS, 32), a23 = v128.load(du + 2 * duRS, 48);
  let p = v;
  let w = d;
  for (let t = 0; t < count; t++) {
    const x0 = f32x4.splat(load<f32>(p));
    const x1 = f32x4.splat(load<f32>(p, 4));
    const x2 = f32x4.splat(load<f32>(p, 8));
    let y = v128.load(w);
    a00 = f32x4.relaxed_madd(x0, y, a00);
    a10 = f32x4.relaxed_madd(x1, y, a10);
    a20 = f32x4.relaxed_madd(x2, y, a20);
    y = v128.load(w, 16);
    a01 = f32x4.relaxed_madd(x0, y, a01);
    a11 = f32x4.relaxed_madd(x1, y, a11);
    a21 = f32x4.relaxed_madd(x2, y, a21);
    y = v128.load(w, 32);
    a02 = f32x4.relaxed_madd(x0, y, a02);
    a12 = f32x4.relaxed_madd(x1, y, a12);
    a22 = f32x4.relaxed_madd(x2, y, a22);
    y = v128.load(w, 48);
    a03 = f32x4.relaxed_madd(x0, y, a03);
    a13 = f32x4.relaxed_madd(x1, y, a13);
    a23 = f32x4.relaxed_madd(x2, y, a23);
    p += vRS;
    w += dRS;
  }
  v128.store(du, a00); v128.store(du, a01, 16);
  v128.store(du, a02, 32); v128.store(du, a03, 48);
  du += duRS;
  v128.store(du, a10); v128.store(du, a11, 16);
  v128.store(du, a12, 32); v128.store(du, a13, 48);
  du += duRS;
  v128.store(du, a20); v128.store(du, a21, 16);
  v128.store(du, a22, 32); v128.store(du, a23, 48);
}

/** dU rows c..c+2 x 8 channels. */
@inline function gemmT3x8(
  v: usize, d: usize, du: usize, count: i32, vRS: usize, dRS: usize,
  duRS: usize,
): void {
  let a00 = v128.load(du), a01 = v128.load(du, 16);
  let a10 = v128.load(du + duRS), a11 = v128.load(du + duRS, 16);
  let a20 = v128.load(du + 2 * duRS), a21 = v128.load(du + 2 * duRS, 16);
  let p = v;
  let w = d;
  for (let t = 0; t < count; t++) {
    const x0 = f32x4.splat(load<f32>(p));
    const x1 = f32x4.splat(load<f32>(p, 4));
    const x2 = f32x4.splat(load<f32>(p, 8));
    const y0 = v128.load(w), y1 = v128.load(w, 16);
    a00 = f32x4.relaxed_madd(x0, y0, a00);
    a01 = f32x4.relaxed_madd(x0, y1, a01);
    a10 = f32x4.relaxed_madd(x1, y0, a10);
    a11 = f32x4.relaxed_madd(x1, y1, a11);
    a20 = f32x4.relaxed_madd(x2, y0, a20);
    a21 = f32x4.relaxed_madd(x2, y1, a21);
    p += vRS;
    w += dRS;
  }
  v128.store(du, a00); v128.store(du, a01, 16);
  du += duRS;
  v128.store(du, a10); v128.store(du, a11, 16);
  du += duRS;
  v128.store(du, a20); v128.store(du, a21, 16);
}

/** dU row c x 4 channels (1 when !full). */
@inline function gemmT1x4(
  v: usize, d: usize, du: usize, count: i32, vRS: usize, dRS: usize,
  full: bool,
): void {
  let a = ld(du, full);
  let p = v;
  let w = d;
  for (let t = 0; t < count; t++) {
    a = f32x4.relaxed_madd(f32x4.splat(load<f32>(p)), ld(w, full), a);
    p += vRS;
    w += dRS;
  }
  st(du, a, full);
}

/** Channels [k, K) of dU row c, 4 then 1 at a time. */
@inline function gemmTTail(
  v: usize, d: usize, du: usize, count: i32, vRS: usize, dRS: usize, K: i32,
  k: i32,
): void {
  while (k < K) {
    const full = k + 4 <= K;
    gemmT1x4(v, d + (<usize>k << 2), du + (<usize>k << 2), count, vRS, dRS,
      full);
    k += full ? 4 : 1;
  }
}

/** dU[xi] += V[xi]' . D[xi] for the block's `count` tiles. */
function gemmT(
  vPtr: usize, dPtr: usize, duPtr: usize, count: i32, blockT: i32, C: i32,
  K: i32,
): void {
  const vRS = <usize>C << 2;
  const dRS = <usize>K << 2;
  const duRS = <usize>K << 2;
  for (let xi = 0; xi < 16; xi++) {
    const v = vPtr + (<usize>(xi * blockT * C) << 2);
    const d = dPtr + (<usize>(xi * blockT * K) << 2);
    const du = duPtr + (<usize>(xi * C * K) << 2);
    let c = 0;
    for (; c + 3 <= C; c += 3) {
      const vc = v + (<usize>c << 2);
      const duc = du + <usize>c * duRS;
      let k = 0;
      for (; k + 16 <= K; k += 16) {
        gemmT3x16(vc, d + (<usize>k << 2), duc + (<usize>k << 2), count, vRS,
          dRS, duRS);
      }
      if (k + 8 <= K) {
        gemmT3x8(vc, d + (<usize>k << 2), duc + (<usize>k << 2), count, vRS,
          dRS, duRS);
        k += 8;
      }
      for (let j = 0; j < 3; j++) {
        gemmTTail(vc + (<usize>j << 2), d, duc + <usize>j * duRS, count, vRS,
          dRS, K, k);
      }
    }
    for (; c < C; c++) {
      gemmTTail(v + (<usize>c << 2), d, du + <usize>c * duRS, count, vRS, dRS,
        K, 0);
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
