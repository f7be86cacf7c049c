// AssemblyScript (not Deno TypeScript): the 3x3, stride 1, undilated NHWC
// convolution by Winograd's F(4x4, 3x3), built by
// lib/kernels/plumbing/build.ts into lib/kernels/plumbing/kernels_wasm.ts.
// The forward pass of every 3x3 convolution of the models (and the input
// gradient, a forward conv with the flipped filter); the filter gradient is
// winograd_filter_grad.as (which shares this file's input transform).
//
// Each 4x4 block of outputs ("tile") comes from a 6x6 block of inputs:
//   Y = A' [ (G g G') * (B' d B) ] A
// so 36 multiplies per (tile, c, k) instead of 144 (F(2x2, 3x3): 64 for the
// same 16 outputs). The 36 products are matrix products [tiles x C] . [C x K]
// in the same register tiles as gemm.as (its `gemm`, over 36 planes).
//
// Max-pooling and ReLU use pmax (b < a ? a : b, one instruction): V8's
// f32x4.max adds NaN and signed-zero fix-ups (only -0 vs +0 can differ).
//
// The input may be two tensors read as one concatenated on the channel axis
// (x1's C1 channels, then x2's C - C1): a UNet skip connection followed by
// its conv, without the concatenated copy.
//
// B' = [4  0 -5  0 1 0;  0 -4 -4  1 1 0;  0  4 -4 -1 1 0;
//       0 -2 -1  2 1 0;  0  2 -1 -2 1 0;  0  4  0 -5 0 1]
// G  = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6;
//       1/24 -1/12 1/6; 0 0 1]
// A' = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]

import { ld, st } from "../plumbing/lanes";
import { gemm } from "./gemm";

@inline function k(x: f32): v128 {
  return f32x4.splat(x);
}

/** G applied to (a, b, c): 6 values stored at q, q + s, ..., q + 5s. */
@inline function gRows(q: usize, s: usize, a: v128, b: v128, c: v128,
  full: bool): void {
  // -1/6 (a + c) -+ b/6; (a/4 + c) / 6 +- b/12 (G's rows 1..4 share sums).
  const ac6 = f32x4.mul(k(-1.0 / 6.0), f32x4.add(a, c));
  const b6 = f32x4.mul(k(1.0 / 6.0), b);
  const ac24 = f32x4.add(f32x4.mul(k(1.0 / 24.0), a), f32x4.mul(k(1.0 / 6.0), c));
  const b12 = f32x4.mul(k(1.0 / 12.0), b);
  st(q, f32x4.mul(k(0.25), a), full);
  st(q + s, f32x4.sub(ac6, b6), full);
  st(q + 2 * s, f32x4.add(ac6, b6), full);
  st(q + 3 * s, f32x4.add(ac24, b12), full);
  st(q + 4 * s, f32x4.sub(ac24, b12), full);
  st(q + 5 * s, c, full);
}

/**
 * U[xi][c][k] = (G g G')[xi] for the filter w [3][3][C][K]: 36 * C * K
 * floats at uPtr; tmpPtr: 288 bytes.
 */
export function winograd4Filter(
  wPtr: usize, uPtr: usize, tmpPtr: usize, C: i32, K: i32,
): void {
  const tap = <usize>(C * K) << 2; // bytes between taps of w, planes of U
  for (let c = 0; c < C; c++) {
    for (let kk = 0; kk < K;) {
      const full = kk + 4 <= K;
      const off = <usize>(c * K + kk) << 2;
      const p = wPtr + off;
      // Columns j of G g: t[r][j] at tmp + (r * 3 + j) * 16.
      for (let j = 0; j < 3; j++) {
        const g0 = ld(p + <usize>j * tap, full);
        const g1 = ld(p + <usize>(3 + j) * tap, full);
        const g2 = ld(p + <usize>(6 + j) * tap, full);
        gRows(tmpPtr + (<usize>j << 4), 48, g0, g1, g2, true);
      }
      // Rows r of (G g) G': 6 planes r * 6 .. r * 6 + 5.
      const q = uPtr + off;
      for (let r = 0; r < 6; r++) {
        const t = tmpPtr + <usize>(r * 48);
        gRows(q + <usize>(r * 6) * tap, tap, v128.load(t), v128.load(t, 16),
          v128.load(t, 32), full);
      }
      kk += full ? 4 : 1;
    }
  }
}

/** 2x, 4x: exact, so adds give the same bits as multiplies, without a constant. */
@inline function x2(v: v128): v128 { return f32x4.add(v, v); }
@inline function x4(v: v128): v128 { return x2(x2(v)); }

/** B' applied to (d0..d5): 6 values stored at q, q + s, ..., q + 5s. */
@inline function bRows(q: usize, s: usize, d0: v128, d1: v128, d2: v128,
  d3: v128, d4: v128, d5: v128, full: bool): void {
  // Multiples by adds: V8 rebuilds a constant vector at every use (three
  // instructions); 5x = 4x + x rounds once, as 5 * x does.
  const d2x4 = x4(d2), d1x4 = x4(d1);
  // 4 d0 - 5 d2 + d4
  st(q, f32x4.add(f32x4.sub(x4(d0), f32x4.add(d2x4, d2)), d4), full);
  // d4 - 4 d2 -+ (4 d1 - d3)
  const a = f32x4.sub(d4, d2x4);
  const b = f32x4.sub(d1x4, d3);
  st(q + s, f32x4.sub(a, b), full);
  st(q + 2 * s, f32x4.add(a, b), full);
  // d4 - d2 -+ 2 (d1 - d3)
  const c = f32x4.sub(d4, d2);
  const e = x2(f32x4.sub(d1, d3));
  st(q + 3 * s, f32x4.sub(c, e), full);
  st(q + 4 * s, f32x4.add(c, e), full);
  // 4 d1 - 5 d3 + d5
  st(q + 5 * s, f32x4.add(f32x4.sub(d1x4, f32x4.add(x4(d3), d3)), d5), full);
}

/**
 * V[xi][i][cOff + c] = (B' d B)[xi] for channels [0, Cs) of one source
 * (NHWC with Cs channels at xPtr) and tiles [t0, t0 + count). C: the
 * channels of a V row (all sources); pixPtr: 144 bytes; tmpPtr: 576 bytes.
 */
export function inputTransform4(
  xPtr: usize, Cs: i32, cOff: i32, vPtr: usize, zeroPtr: usize, pixPtr: usize,
  tmpPtr: usize, t0: i32, count: i32, blockT: i32, H: i32, W: i32, C: i32,
  tilesH: i32, tilesW: i32, pT: i32, pL: i32,
): void {
  const plane = <usize>(blockT * C) << 2;
  const perImage = tilesH * tilesW;
  for (let i = 0; i < count; i++) {
    const t = t0 + i;
    const n = t / perImage;
    const iy = 4 * ((t % perImage) / tilesW) - pT;
    const ix = 4 * (t % tilesW) - pL;
    const xImg = xPtr + (<usize>(n * H * W * Cs) << 2);
    // The 36 input pixels of the tile (or the zero row outside the image).
    for (let r = 0; r < 6; r++) {
      const y = iy + r;
      for (let j = 0; j < 6; j++) {
        const x = ix + j;
        store<u32>(pixPtr + <usize>((r * 6 + j) << 2),
          <u32>(y >= 0 && y < H && x >= 0 && x < W
            ? xImg + (<usize>((y * W + x) * Cs) << 2)
            : zeroPtr));
      }
    }
    const vRow = vPtr + (<usize>(i * C + cOff) << 2);
    let c = 0;
    for (; c + 4 <= Cs; c += 4) inputColumns(vRow, pixPtr, tmpPtr, c, plane, true);
    for (; c < Cs; c++) inputColumns(vRow, pixPtr, tmpPtr, c, plane, false);
  }
}

/**
 * One tile's V for channels c.. (4 of them, or 1 when !full): columns j of
 * B' d into tmp, then its rows into V's 36 planes.
 */
@inline function inputColumns(
  vRow: usize, pixPtr: usize, tmpPtr: usize, c: i32, plane: usize, full: bool,
): void {
  const o = <usize>c << 2;
  // Columns j of B' d: t[r][j] at tmp + (r * 6 + j) * 16.
  for (let j = 0; j < 6; j++) {
    const pj = pixPtr + (<usize>j << 2);
    bRows(tmpPtr + (<usize>j << 4), 96,
      ld(<usize>load<u32>(pj) + o, full),
      ld(<usize>load<u32>(pj, 24) + o, full),
      ld(<usize>load<u32>(pj, 48) + o, full),
      ld(<usize>load<u32>(pj, 72) + o, full),
      ld(<usize>load<u32>(pj, 96) + o, full),
      ld(<usize>load<u32>(pj, 120) + o, full), true);
  }
  // Rows r of (B' d) B: planes r * 6 .. r * 6 + 5.
  const q = vRow + o;
  for (let r = 0; r < 6; r++) {
    const tr = tmpPtr + <usize>(r * 96);
    bRows(q + <usize>(r * 6) * plane, plane, v128.load(tr),
      v128.load(tr, 16), v128.load(tr, 32), v128.load(tr, 48),
      v128.load(tr, 64), v128.load(tr, 80), full);
  }
}

/** A' applied to (m0..m5): 4 values stored at q, q + s, q + 2s, q + 3s. */
@inline function aRows(q: usize, s: usize, m0: v128, m1: v128, m2: v128,
  m3: v128, m4: v128, m5: v128): void {
  const p = f32x4.add(m1, m2), d = f32x4.sub(m1, m2);
  const r = f32x4.add(m3, m4), e = f32x4.sub(m3, m4);
  const e2 = x2(e);
  v128.store(q, f32x4.add(f32x4.add(m0, p), r));
  v128.store(q + s, f32x4.add(d, e2));
  v128.store(q + 2 * s, f32x4.add(p, x4(r)));
  v128.store(q + 3 * s, f32x4.add(f32x4.add(d, x4(e2)), m5));
}

/** `pool` values of the output transform besides 0 (none): 2x2 max-pool, x2 nearest upsampling. */
const RESAMPLE_POOL = 1;
const RESAMPLE_UP = 2;

/**
 * y = act(bias + A' M A) for the block's tiles (outputs inside OH x OW);
 * with `pool` 1 its 2x2 max-pool (y is [N, OH / 2, OW / 2, K]; OH, OW even),
 * with `pool` 2 its x2 nearest upsampling (y is [N, 2 OH, 2 OW, K]).
 */
function outputTransform4(
  mPtr: usize, yPtr: usize, bPtr: usize, tmpPtr: usize, t0: i32, count: i32,
  blockT: i32, OH: i32, OW: i32, K: i32, tilesH: i32, tilesW: i32, relu: i32,
  pool: i32,
): void {
  const plane = <usize>(blockT * K) << 2;
  const perImage = tilesH * tilesW;
  const zero = f32x4.splat(0);
  const pix = <usize>K << 2;
  // Pooled outputs: half the rows and columns; upsampled: twice.
  const YW = pool == RESAMPLE_POOL ? OW >> 1 : pool == RESAMPLE_UP ? OW << 1 : OW;
  const YH = pool == RESAMPLE_POOL ? OH >> 1 : pool == RESAMPLE_UP ? OH << 1 : OH;
  const row = <usize>(YW * K) << 2;
  for (let i = 0; i < count; i++) {
    const t = t0 + i;
    const n = t / perImage;
    const oy = 4 * ((t % perImage) / tilesW);
    const ox = 4 * (t % tilesW);
    const rows = min(4, OH - oy);
    const cols = min(4, OW - ox);
    const y0 = pool == RESAMPLE_POOL
      ? yPtr + (<usize>(((n * YH + (oy >> 1)) * YW + (ox >> 1)) * K) << 2)
      : pool == RESAMPLE_UP
      ? yPtr + (<usize>(((n * YH + (oy << 1)) * YW + (ox << 1)) * K) << 2)
      : yPtr + (<usize>(((n * YH + oy) * YW + ox) * K) << 2);
    const mRow = mPtr + (<usize>(i * K) << 2);
    let kk = 0;
    for (; kk + 4 <= K; kk += 4) {
      outputColumns(mRow, y0, bPtr, tmpPtr, kk, plane, rows, cols, row, pix,
        relu, pool, true);
    }
    for (; kk < K; kk++) {
      outputColumns(mRow, y0, bPtr, tmpPtr, kk, plane, rows, cols, row, pix,
        relu, pool, false);
    }
  }
}

/** One tile's outputs for channels kk.. (4 of them, or 1 when !full). */
@inline function outputColumns(
  mRow: usize, y0: usize, bPtr: usize, tmpPtr: usize, kk: i32, plane: usize,
  rows: i32, cols: i32, row: usize, pix: usize, relu: i32, pool: i32,
  full: bool,
): void {
  const zero = f32x4.splat(0);
  const o = <usize>kk << 2;
  const q = mRow + o;
  // Columns j of A' M: s[a][j] at tmp + (a * 6 + j) * 16.
  for (let j = 0; j < 6; j++) {
    const qj = q + <usize>j * plane;
    aRows(tmpPtr + (<usize>j << 4), 96, ld(qj, full),
      ld(qj + 6 * plane, full), ld(qj + 12 * plane, full),
      ld(qj + 18 * plane, full), ld(qj + 24 * plane, full),
      ld(qj + 30 * plane, full));
  }
  const b = bPtr ? ld(bPtr + o, full) : zero;
  if (rows == 4 && cols == 4) {
    // A whole tile: rows a of (A' M) A straight from registers to y.
    if (pool == RESAMPLE_POOL) {
      for (let a = 0; a < 4; a += 2) {
        pooledRows(tmpPtr + <usize>(a * 96), y0 + <usize>(a >> 1) * row + o,
          pix, b, relu, full);
      }
    } else if (pool == RESAMPLE_UP) {
      for (let a = 0; a < 4; a++) {
        upsampledRow(tmpPtr + <usize>(a * 96), y0 + <usize>(2 * a) * row + o,
          pix, row, b, relu, full);
      }
    } else {
      for (let a = 0; a < 4; a++) {
        outputRow(tmpPtr + <usize>(a * 96), y0 + <usize>a * row + o, pix, b,
          relu, full);
      }
    }
    return;
  }
  // A tile at the edge: rows a of (A' M) A to out + (a * 4 + j) * 16, then
  // the outputs inside OH x OW.
  const out = tmpPtr + 384;
  for (let a = 0; a < rows; a++) {
    const ta = tmpPtr + <usize>(a * 96);
    aRows(out + <usize>(a << 6), 16, v128.load(ta), v128.load(ta, 16),
      v128.load(ta, 32), v128.load(ta, 48), v128.load(ta, 64),
      v128.load(ta, 80));
  }
  if (pool == RESAMPLE_UP) {
    for (let a = 0; a < rows; a++) {
      const ra = out + <usize>(a << 6);
      const ya = y0 + <usize>(2 * a) * row + o;
      for (let j = 0; j < cols; j++) {
        let v = f32x4.add(b, v128.load(ra + (<usize>j << 4)));
        if (relu) v = f32x4.pmax(v, zero);
        const yj = ya + <usize>(2 * j) * pix;
        st(yj, v, full);
        st(yj + pix, v, full);
        st(yj + row, v, full);
        st(yj + row + pix, v, full);
      }
    }
  } else if (pool == RESAMPLE_POOL) {
    for (let a = 0; a < rows; a += 2) {
      const r0 = out + <usize>(a << 6);
      const ya = y0 + <usize>(a >> 1) * row + o;
      for (let j = 0; j < cols; j += 2) {
        const p = r0 + (<usize>j << 4);
        let v = f32x4.pmax(
          f32x4.pmax(v128.load(p), v128.load(p, 16)),
          f32x4.pmax(v128.load(p, 64), v128.load(p, 80)),
        );
        v = f32x4.add(b, v);
        if (relu) v = f32x4.pmax(v, zero);
        st(ya + <usize>(j >> 1) * pix, v, full);
      }
    }
  } else {
    for (let a = 0; a < rows; a++) {
      const ra = out + <usize>(a << 6);
      const ya = y0 + <usize>a * row + o;
      for (let j = 0; j < cols; j++) {
        let v = f32x4.add(b, v128.load(ra + (<usize>j << 4)));
        if (relu) v = f32x4.pmax(v, zero);
        st(ya + <usize>j * pix, v, full);
      }
    }
  }
}

/** act(bias + v) to y. */
@inline function activate(v: v128, b: v128, relu: i32): v128 {
  const y = f32x4.add(b, v);
  return relu ? f32x4.pmax(y, f32x4.splat(0)) : y;
}

/**
 * One row of (A' M) A from its 6 values at t (A' M's row a): the 4 outputs
 * act(bias + .) to y, y + pix, y + 2 pix, y + 3 pix.
 */
@inline function outputRow(
  t: usize, y: usize, pix: usize, b: v128, relu: i32, full: bool,
): void {
  const m0 = v128.load(t), m1 = v128.load(t, 16), m2 = v128.load(t, 32);
  const m3 = v128.load(t, 48), m4 = v128.load(t, 64), m5 = v128.load(t, 80);
  const p = f32x4.add(m1, m2), d = f32x4.sub(m1, m2);
  const r = f32x4.add(m3, m4), e = f32x4.sub(m3, m4);
  const e2 = x2(e);
  st(y, activate(f32x4.add(f32x4.add(m0, p), r), b, relu), full);
  st(y + pix, activate(f32x4.add(d, e2), b, relu), full);
  st(y + 2 * pix, activate(f32x4.add(p, x4(r)), b, relu), full);
  st(y + 3 * pix, activate(f32x4.add(f32x4.add(d, x4(e2)), m5), b, relu), full);
}

/**
 * One row of (A' M) A as {@link outputRow}, each of its 4 outputs written
 * to a 2x2 block (x2 nearest upsampling): rows y and y + row, columns 2j
 * and 2j + 1.
 */
@inline function upsampledRow(
  t: usize, y: usize, pix: usize, row: usize, b: v128, relu: i32, full: bool,
): void {
  const m0 = v128.load(t), m1 = v128.load(t, 16), m2 = v128.load(t, 32);
  const m3 = v128.load(t, 48), m4 = v128.load(t, 64), m5 = v128.load(t, 80);
  const p = f32x4.add(m1, m2), d = f32x4.sub(m1, m2);
  const r = f32x4.add(m3, m4), e = f32x4.sub(m3, m4);
  const e2 = x2(e);
  const v0 = activate(f32x4.add(f32x4.add(m0, p), r), b, relu);
  const v1 = activate(f32x4.add(d, e2), b, relu);
  const v2 = activate(f32x4.add(p, x4(r)), b, relu);
  const v3 = activate(f32x4.add(f32x4.add(d, x4(e2)), m5), b, relu);
  st(y, v0, full); st(y + pix, v0, full);
  st(y + row, v0, full); st(y + row + pix, v0, full);
  st(y + 2 * pix, v1, full); st(y + 3 * pix, v1, full);
  st(y + row + 2 * pix, v1, full); st(y + row + 3 * pix, v1, full);
  st(y + 4 * pix, v2, full); st(y + 5 * pix, v2, full);
  st(y + row + 4 * pix, v2, full); st(y + row + 5 * pix, v2, full);
  st(y + 6 * pix, v3, full); st(y + 7 * pix, v3, full);
  st(y + row + 6 * pix, v3, full); st(y + row + 7 * pix, v3, full);
}

/**
 * Two rows of (A' M) A (A' M's rows at t and t + 96), 2x2 max-pooled: the 2
 * outputs act(bias + max) to y and y + pix.
 */
@inline function pooledRows(
  t: usize, y: usize, pix: usize, b: v128, relu: i32, full: bool,
): void {
  // Row 1: (u0, u1, u2, u3); row 2: (w0, w1, w2, w3).
  let m0 = v128.load(t), m1 = v128.load(t, 16), m2 = v128.load(t, 32);
  let m3 = v128.load(t, 48), m4 = v128.load(t, 64), m5 = v128.load(t, 80);
  let p = f32x4.add(m1, m2), d = f32x4.sub(m1, m2);
  let r = f32x4.add(m3, m4), e = f32x4.sub(m3, m4);
  let e2 = x2(e);
  const u01 = f32x4.pmax(f32x4.add(f32x4.add(m0, p), r), f32x4.add(d, e2));
  const u23 = f32x4.pmax(f32x4.add(p, x4(r)),
    f32x4.add(f32x4.add(d, x4(e2)), m5));
  m0 = v128.load(t, 96); m1 = v128.load(t, 112); m2 = v128.load(t, 128);
  m3 = v128.load(t, 144); m4 = v128.load(t, 160); m5 = v128.load(t, 176);
  p = f32x4.add(m1, m2); d = f32x4.sub(m1, m2);
  r = f32x4.add(m3, m4); e = f32x4.sub(m3, m4);
  e2 = x2(e);
  const w01 = f32x4.pmax(f32x4.add(f32x4.add(m0, p), r), f32x4.add(d, e2));
  const w23 = f32x4.pmax(f32x4.add(p, x4(r)),
    f32x4.add(f32x4.add(d, x4(e2)), m5));
  st(y, activate(f32x4.pmax(u01, w01), b, relu), full);
  st(y + pix, activate(f32x4.pmax(u23, w23), b, relu), full);
}

/**
 * y = act(bias + conv3x3(concat(x1, x2), w)) for tiles [tile0, tile1) of the
 * flattened (n, tile row, tile column) 4x4 output tiles, with U from
 * winograd4Filter; with `pool` 1, y is its 2x2 max-pool (OH, OW even), with
 * `pool` 2 its x2 nearest upsampling. x1 has
 * C1 channels, x2 (ignored when C1 == C) C - C1. zeroPtr: C zero floats;
 * scratchPtr: 144 * blockT * (C + K) + 1024 bytes (this call's own); bPtr: 0
 * for no bias; relu: 0 or 1; pool: 0, 1 or 2.
 */
export function winograd4Conv(
  x1Ptr: usize, x2Ptr: usize, C1: i32, uPtr: usize, yPtr: usize, bPtr: usize,
  zeroPtr: usize, scratchPtr: usize, tile0: i32, tile1: i32,
  H: i32, W: i32, C: i32, OH: i32, OW: i32, K: i32, pT: i32, pL: i32,
  relu: i32, pool: i32, blockT: i32,
): void {
  const tilesH = (OH + 3) / 4;
  const tilesW = (OW + 3) / 4;
  const vPtr = scratchPtr;
  const mPtr = vPtr + (<usize>(36 * blockT * C) << 2);
  const tmpPtr = mPtr + (<usize>(36 * blockT * K) << 2);
  const pixPtr = tmpPtr + 640;
  for (let b = tile0; b < tile1; b += blockT) {
    const count = min(blockT, tile1 - b);
    inputTransform4(x1Ptr, C1, 0, vPtr, zeroPtr, pixPtr, tmpPtr, b, count,
      blockT, H, W, C, tilesH, tilesW, pT, pL);
    if (C1 < C) {
      inputTransform4(x2Ptr, C - C1, C1, vPtr, zeroPtr, pixPtr, tmpPtr, b,
        count, blockT, H, W, C, tilesH, tilesW, pT, pL);
    }
    gemm(vPtr, uPtr, mPtr, count, blockT, C, K, 36);
    outputTransform4(mPtr, yPtr, bPtr, tmpPtr, b, count, blockT, OH, OW, K,
      tilesH, tilesW, relu, pool);
  }
}
