// AssemblyScript (not Deno TypeScript): the filter gradient of the 3x3,
// stride 1, undilated NHWC convolution by Winograd's F(4x4, 3x3), the
// transpose of the forward pass in winograd_conv.as; built by
// lib/kernels/plumbing/build.ts into lib/kernels/plumbing/kernels_wasm.ts.
//
// The forward pass computes each 4x4 tile of outputs as
//   Y = A' [ sum_c (G g G') * (B' d B) ] A      (* elementwise, 6x6)
// so the filter gradient is
//   dW = G' [ sum over tiles (B' d B) * (A dY A') ] G
// where dY is the tile's 4x4 block of output gradients. Per block of tiles:
// V [36][T][C] = B' d B (winograd_conv.as's input transform, which also reads
// a channel concatenation of two inputs in place), D [36][T][K] = A dY A',
// then dU[xi] += V[xi]' . D[xi], a [C x T] . [T x K] product (gemm.as)
// accumulated in dU [36][C][K]; winograd4FilterFromGrad turns dU into dW
// once at the end. 36 multiplies per (tile, c, k) for 16 outputs: 2.25 per
// output where F(2x2, 3x3) needs 4 and a direct product 9.
//
// A' = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
// G  = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6;
//       1/24 -1/12 1/6; 0 0 1]

import { ld, st } from "../plumbing/lanes";
import { gemmT } from "./gemm";
import { inputTransform4 } from "./winograd_conv";

@inline function k(x: f32): v128 {
  return f32x4.splat(x);
}

/** 2x, 4x: exact, so adds give the same bits as multiplies, without a constant. */
@inline function x2(v: v128): v128 { return f32x4.add(v, v); }
@inline function x4(v: v128): v128 { return x2(x2(v)); }

/** A (= A' transposed) applied to (y0..y3): 6 values at q, q + s, ..., q + 5s. */
@inline function aRows(q: usize, s: usize, y0: v128, y1: v128, y2: v128,
  y3: v128, full: bool): void {
  const s02 = f32x4.add(y0, y2), s13 = f32x4.add(y1, y3);
  // y0 + 4 y2 and 2 y1 + 8 y3 = 2 (y1 + 4 y3), by adds (no constants).
  const u = f32x4.add(y0, x4(y2));
  const w = x2(f32x4.add(y1, x4(y3)));
  st(q, y0, full);
  st(q + s, f32x4.add(s02, s13), full);
  st(q + 2 * s, f32x4.sub(s02, s13), full);
  st(q + 3 * s, f32x4.add(u, w), full);
  st(q + 4 * s, f32x4.sub(u, w), full);
  st(q + 5 * s, y3, full);
}

/**
 * D[xi][i][k] = (A dY A')[xi] for tiles [t0, t0 + count) (dY 0 outside
 * OH x OW). zeroPtr: K zero floats; rowsPtr: 64 bytes; tmpPtr: 384 bytes.
 */
function gradTransform4(
  dyPtr: usize, dPtr: usize, zeroPtr: usize, rowsPtr: usize, tmpPtr: usize,
  t0: i32, count: i32, blockT: i32, OH: i32, OW: i32, K: i32, tilesH: i32,
  tilesW: i32,
): void {
  const plane = <usize>(blockT * K) << 2;
  const perImage = tilesH * tilesW;
  for (let i = 0; i < count; i++) {
    const t = t0 + i;
    const n = t / perImage;
    const oy = 4 * ((t % perImage) / tilesW);
    const ox = 4 * (t % tilesW);
    // The 16 output gradients of the tile (or the zero row outside).
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        store<u32>(rowsPtr + <usize>((a * 4 + b) << 2),
          <u32>(oy + a < OH && ox + b < OW
            ? dyPtr + (<usize>(((n * OH + oy + a) * OW + ox + b) * K) << 2)
            : zeroPtr));
      }
    }
    const dRow = dPtr + (<usize>(i * K) << 2);
    let kk = 0;
    for (; kk + 4 <= K; kk += 4) gradColumns(dRow, rowsPtr, tmpPtr, kk, plane, true);
    for (; kk < K; kk++) gradColumns(dRow, rowsPtr, tmpPtr, kk, plane, false);
  }
}

/** One tile's D for channels kk.. (4 of them, or 1 when !full). */
@inline function gradColumns(
  dRow: usize, rowsPtr: usize, tmpPtr: usize, kk: i32, plane: usize,
  full: bool,
): void {
  const o = <usize>kk << 2;
  // Rows a of dY A': tmp[a][s] at tmp + (a * 6 + s) * 16.
  for (let a = 0; a < 4; a++) {
    const pa = rowsPtr + (<usize>a << 4);
    aRows(tmpPtr + <usize>(a * 96), 16,
      ld(<usize>load<u32>(pa) + o, full),
      ld(<usize>load<u32>(pa, 4) + o, full),
      ld(<usize>load<u32>(pa, 8) + o, full),
      ld(<usize>load<u32>(pa, 12) + o, full), true);
  }
  // Columns s of A (dY A'): planes r * 6 + s, r = 0..5.
  const q = dRow + o;
  for (let s = 0; s < 6; s++) {
    const ts = tmpPtr + (<usize>s << 4);
    aRows(q + <usize>s * plane, 6 * plane, v128.load(ts),
      v128.load(ts, 96), v128.load(ts, 192), v128.load(ts, 288), full);
  }
}

/**
 * dU [36][C][K] += the transformed filter gradient of the 4x4 output tiles
 * [tile0, tile1) (the caller zeroes dU once), for the input concat(x1, x2)
 * (x1 has C1 of the C channels; x2 is ignored when C1 == C). zeroPtr:
 * max(C, K) zero floats; scratchPtr: 144 * blockT * (C + K) + 1024 bytes
 * (this call's own).
 */
export function winograd4GradU(
  x1Ptr: usize, x2Ptr: usize, C1: i32, dyPtr: usize, duPtr: usize,
  zeroPtr: usize, scratchPtr: usize, tile0: i32, tile1: i32,
  H: i32, W: i32, C: i32, OH: i32, OW: i32, K: i32, pT: i32, pL: i32,
  blockT: i32,
): void {
  const tilesH = (OH + 3) / 4;
  const tilesW = (OW + 3) / 4;
  const vPtr = scratchPtr;
  const dPtr = vPtr + (<usize>(36 * blockT * C) << 2);
  const tmpPtr = dPtr + (<usize>(36 * blockT * K) << 2);
  const pixPtr = tmpPtr + 640;
  for (let b = tile0; b < tile1; b += blockT) {
    const count = min(blockT, tile1 - b);
    inputTransform4(x1Ptr, C1, 0, vPtr, zeroPtr, pixPtr, tmpPtr, b, count,
      blockT, H, W, C, tilesH, tilesW, pT, pL);
    if (C1 < C) {
      inputTransform4(x2Ptr, C - C1, C1, vPtr, zeroPtr, pixPtr, tmpPtr, b,
        count, blockT, H, W, C, tilesH, tilesW, pT, pL);
    }
    gradTransform4(dyPtr, dPtr, zeroPtr, pixPtr, tmpPtr, b, count, blockT,
      OH, OW, K, tilesH, tilesW);
    gemmT(vPtr, dPtr, duPtr, count, blockT, C, K, 36);
  }
}

/** G' applied to (u0..u5): 3 values at q, q + s, q + 2s. */
@inline function gRows(q: usize, s: usize, u0: v128, u1: v128, u2: v128,
  u3: v128, u4: v128, u5: v128, full: bool): void {
  const a = f32x4.add(u1, u2), b = f32x4.add(u3, u4);
  // u0/4 - (u1 + u2)/6 + (u3 + u4)/24
  st(q, f32x4.add(f32x4.sub(f32x4.mul(k(0.25), u0), f32x4.mul(k(1.0 / 6.0), a)),
    f32x4.mul(k(1.0 / 24.0), b)), full);
  // (u2 - u1)/6 + (u3 - u4)/12
  st(q + s, f32x4.add(f32x4.mul(k(1.0 / 6.0), f32x4.sub(u2, u1)),
    f32x4.mul(k(1.0 / 12.0), f32x4.sub(u3, u4))), full);
  // (u3 + u4 - u1 - u2)/6 + u5
  st(q + 2 * s, f32x4.add(f32x4.mul(k(1.0 / 6.0), f32x4.sub(b, a)), u5), full);
}

/** dW [3][3][C][K] = G' dU G per (c, k) from dU [36][C][K]; tmpPtr: 288 bytes. */
export function winograd4FilterFromGrad(
  duPtr: usize, dwPtr: usize, tmpPtr: usize, C: i32, K: i32,
): void {
  const tap = <usize>(C * K) << 2; // bytes between planes of dU, taps of dW
  for (let c = 0; c < C; c++) {
    for (let kk = 0; kk < K;) {
      const full = kk + 4 <= K;
      const off = <usize>(c * K + kk) << 2;
      const p = duPtr + off;
      // Columns s of G' dU: tmp[ky][s] at tmp + (ky * 6 + s) * 16.
      for (let s = 0; s < 6; s++) {
        const ps = p + <usize>s * tap;
        gRows(tmpPtr + (<usize>s << 4), 96, ld(ps, full), ld(ps + 6 * tap, full),
          ld(ps + 12 * tap, full), ld(ps + 18 * tap, full),
          ld(ps + 24 * tap, full), ld(ps + 30 * tap, full), true);
      }
      // Rows ky of (G' dU) G: taps ky * 3 .. ky * 3 + 2.
      const q = dwPtr + off;
      for (let ky = 0; ky < 3; ky++) {
        const t = tmpPtr + <usize>(ky * 96);
        gRows(q + <usize>(ky * 3) * tap, tap, v128.load(t), v128.load(t, 16),
          v128.load(t, 32), v128.load(t, 48), v128.load(t, 64),
          v128.load(t, 80), full);
      }
      kk += full ? 4 : 1;
    }
  }
}
