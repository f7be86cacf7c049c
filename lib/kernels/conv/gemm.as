// AssemblyScript (not Deno TypeScript): the register-tiled matrix products
// of the Winograd convolutions (winograd_conv.as, winograd_filter_grad.as);
// built by lib/kernels/plumbing/build.ts into
// lib/kernels/plumbing/kernels_wasm.ts.
//
// Winograd turns a 3x3 convolution into one independent matrix product per
// position xi of the transformed tile ("plane"): forward M[xi] = V[xi] . U[xi]
// ([tiles x C] . [C x K]), filter gradient dU[xi] += V[xi]' . D[xi]
// ([C x tiles] . [tiles x K]). Both run in fused multiply-add register tiles
// of 2 rows x 24 (forward) or 16 channels, with 8-, 4- and 1-wide tails.
// Two rows, not three: V8 gives WebAssembly 15 vector registers on x64, and
// a 3 x 16 tile (12 accumulators, 3 broadcasts, one operand) spilled an
// accumulator to the stack on every step, a store and a reload in the loop's
// critical path (the 2-row tiles take 0.93x the forward's and 0.82x the
// filter gradient's time, with bit-identical results).

import { ld, st } from "../plumbing/lanes";

/**
 * M[rows 2] x [16 channels] = V rows . U over C: 8 accumulators, so that
 * with the broadcasts and U's row every register stays a register (a 3-row
 * tile spilled an accumulator on every step).
 */
@inline function gemm2x16(
  v: usize, u: usize, m: usize, C: i32, vRS: usize, uRS: usize, mRS: usize,
): void {
  let a00 = f32x4.splat(0), a01 = a00, a02 = a00, a03 = a00;
  let a10 = a00, a11 = a00, a12 = a00, a13 = a00;
  let p = v;
  let w = u;
  for (let c = 0; c < C; c++) {
    const x0 = v128.load32_splat(p);
    const x1 = v128.load32_splat(p + vRS);
    let y = v128.load(w);
    a00 = f32x4.relaxed_madd(x0, y, a00);
    a10 = f32x4.relaxed_madd(x1, y, a10);
    y = v128.load(w, 16);
    a01 = f32x4.relaxed_madd(x0, y, a01);
    a11 = f32x4.relaxed_madd(x1, y, a11);
    y = v128.load(w, 32);
    a02 = f32x4.relaxed_madd(x0, y, a02);
    a12 = f32x4.relaxed_madd(x1, y, a12);
    y = v128.load(w, 48);
    a03 = f32x4.relaxed_madd(x0, y, a03);
    a13 = f32x4.relaxed_madd(x1, y, a13);
    p += 4;
    w += uRS;
  }
  v128.store(m, a00); v128.store(m, a01, 16);
  v128.store(m, a02, 32); v128.store(m, a03, 48);
  m += mRS;
  v128.store(m, a10); v128.store(m, a11, 16);
  v128.store(m, a12, 32); v128.store(m, a13, 48);
}

/** 2 rows x 24 channels (12 accumulators: still no spill). */
@inline function gemm2x24(
  v: usize, u: usize, m: usize, C: i32, vRS: usize, uRS: usize, mRS: usize,
): void {
  const z = f32x4.splat(0);
  let a00 = z, a01 = z, a02 = z, a03 = z, a04 = z, a05 = z;
  let a10 = z, a11 = z, a12 = z, a13 = z, a14 = z, a15 = z;
  let p = v;
  let w = u;
  for (let c = 0; c < C; c++) {
    const x0 = v128.load32_splat(p);
    const x1 = v128.load32_splat(p + 1 * vRS);
    let y = v128.load(w);
    a00 = f32x4.relaxed_madd(x0, y, a00);
    a10 = f32x4.relaxed_madd(x1, y, a10);
    y = v128.load(w, 16);
    a01 = f32x4.relaxed_madd(x0, y, a01);
    a11 = f32x4.relaxed_madd(x1, y, a11);
    y = v128.load(w, 32);
    a02 = f32x4.relaxed_madd(x0, y, a02);
    a12 = f32x4.relaxed_madd(x1, y, a12);
    y = v128.load(w, 48);
    a03 = f32x4.relaxed_madd(x0, y, a03);
    a13 = f32x4.relaxed_madd(x1, y, a13);
    y = v128.load(w, 64);
    a04 = f32x4.relaxed_madd(x0, y, a04);
    a14 = f32x4.relaxed_madd(x1, y, a14);
    y = v128.load(w, 80);
    a05 = f32x4.relaxed_madd(x0, y, a05);
    a15 = f32x4.relaxed_madd(x1, y, a15);
    p += 4;
    w += uRS;
  }
  v128.store(m, a00);
  v128.store(m, a01, 16);
  v128.store(m, a02, 32);
  v128.store(m, a03, 48);
  v128.store(m, a04, 64);
  v128.store(m, a05, 80);
  m += mRS;
  v128.store(m, a10);
  v128.store(m, a11, 16);
  v128.store(m, a12, 32);
  v128.store(m, a13, 48);
  v128.store(m, a14, 64);
  v128.store(m, a15, 80);
}

/** 2 rows x 8 channels. */
@inline function gemm2x8(
  v: usize, u: usize, m: usize, C: i32, vRS: usize, uRS: usize, mRS: usize,
): void {
  let a00 = f32x4.splat(0), a01 = a00, a10 = a00, a11 = a00;
  let p = v;
  let w = u;
  for (let c = 0; c < C; c++) {
    const x0 = v128.load32_splat(p);
    const x1 = v128.load32_splat(p + vRS);
    const y0 = v128.load(w), y1 = v128.load(w, 16);
    a00 = f32x4.relaxed_madd(x0, y0, a00);
    a01 = f32x4.relaxed_madd(x0, y1, a01);
    a10 = f32x4.relaxed_madd(x1, y0, a10);
    a11 = f32x4.relaxed_madd(x1, y1, a11);
    p += 4;
    w += uRS;
  }
  v128.store(m, a00); v128.store(m, a01, 16);
  m += mRS;
  v128.store(m, a10); v128.store(m, a11, 16);
}

/** 1 row x 4 channels (or 1 channel when !full). */
@inline function gemm1x4(
  v: usize, u: usize, m: usize, C: i32, uRS: usize, full: bool,
): void {
  let a = f32x4.splat(0);
  let p = v;
  let w = u;
  for (let c = 0; c < C; c++) {
    a = f32x4.relaxed_madd(v128.load32_splat(p), ld(w, full), a);
    p += 4;
    w += uRS;
  }
  st(m, a, full);
}

/**
 * M[xi] = V[xi] . U[xi] for the block's `count` tiles, xi < planes (16 here,
 * 36 for F(4x4, 3x3) in winograd_conv.as).
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
    for (; r + 2 <= count; r += 2) {
      const vr = v + <usize>r * vRS;
      const mr = m + <usize>r * mRS;
      let k = 0;
      for (; k + 24 <= K; k += 24) {
        gemm2x24(vr, u + (<usize>k << 2), mr + (<usize>k << 2), C, vRS, uRS, mRS);
      }
      for (; k + 16 <= K; k += 16) {
        gemm2x16(vr, u + (<usize>k << 2), mr + (<usize>k << 2), C, vRS, uRS, mRS);
      }
      if (k + 8 <= K) {
        gemm2x8(vr, u + (<usize>k << 2), mr + (<usize>k << 2), C, vRS, uRS, mRS);
        k += 8;
      }
      for (let j = 0; j < 2; j++) {
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

/**
 * dU rows c, c+1 x 16 channels += sum over t of V[t][c..] D[t][k..]: 8
 * accumulators, so that with the broadcasts and D's row every register
 * stays a register (a 3-row tile spilled an accumulator on every step).
 */
@inline function gemmT2x16(
  v: usize, d: usize, du: usize, count: i32, vRS: usize, dRS: usize,
  duRS: usize,
): void {
  let a00 = v128.load(du), a01 = v128.load(du, 16);
  let a02 = v128.load(du, 32), a03 = v128.load(du, 48);
  let a10 = v128.load(du + duRS), a11 = v128.load(du + duRS, 16);
  let a12 = v128.load(du + duRS, 32), a13 = v128.load(du + duRS, 48);
  let p = v;
  let w = d;
  for (let t = 0; t < count; t++) {
    // V[t][c], V[t][c+1] in one load, spread by shuffles.
    const xv = v128.load64_zero(p);
    const x0 = v128.shuffle<f32>(xv, xv, 0, 0, 0, 0);
    const x1 = v128.shuffle<f32>(xv, xv, 1, 1, 1, 1);
    let y = v128.load(w);
    a00 = f32x4.relaxed_madd(x0, y, a00);
    a10 = f32x4.relaxed_madd(x1, y, a10);
    y = v128.load(w, 16);
    a01 = f32x4.relaxed_madd(x0, y, a01);
    a11 = f32x4.relaxed_madd(x1, y, a11);
    y = v128.load(w, 32);
    a02 = f32x4.relaxed_madd(x0, y, a02);
    a12 = f32x4.relaxed_madd(x1, y, a12);
    y = v128.load(w, 48);
    a03 = f32x4.relaxed_madd(x0, y, a03);
    a13 = f32x4.relaxed_madd(x1, y, a13);
    p += vRS;
    w += dRS;
  }
  v128.store(du, a00); v128.store(du, a01, 16);
  v128.store(du, a02, 32); v128.store(du, a03, 48);
  du += duRS;
  v128.store(du, a10); v128.store(du, a11, 16);
  v128.store(du, a12, 32); v128.store(du, a13, 48);
}

/** dU rows c, c+1 x 8 channels. */
@inline function gemmT2x8(
  v: usize, d: usize, du: usize, count: i32, vRS: usize, dRS: usize,
  duRS: usize,
): void {
  let a00 = v128.load(du), a01 = v128.load(du, 16);
  let a10 = v128.load(du + duRS), a11 = v128.load(du + duRS, 16);
  let p = v;
  let w = d;
  for (let t = 0; t < count; t++) {
    const xv = v128.load64_zero(p);
    const x0 = v128.shuffle<f32>(xv, xv, 0, 0, 0, 0);
    const x1 = v128.shuffle<f32>(xv, xv, 1, 1, 1, 1);
    const y0 = v128.load(w), y1 = v128.load(w, 16);
    a00 = f32x4.relaxed_madd(x0, y0, a00);
    a01 = f32x4.relaxed_madd(x0, y1, a01);
    a10 = f32x4.relaxed_madd(x1, y0, a10);
    a11 = f32x4.relaxed_madd(x1, y1, a11);
    p += vRS;
    w += dRS;
  }
  v128.store(du, a00); v128.store(du, a01, 16);
  du += duRS;
  v128.store(du, a10); v128.store(du, a11, 16);
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
    a = f32x4.relaxed_madd(v128.load32_splat(p), ld(w, full), a);
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

/**
 * dU[xi] += V[xi]' . D[xi] for the block's `count` tiles, xi < planes (36
 * for F(4x4, 3x3)).
 */
export function gemmT(
  vPtr: usize, dPtr: usize, duPtr: usize, count: i32, blockT: i32, C: i32,
  K: i32, planes: i32,
): void {
  const vRS = <usize>C << 2;
  const dRS = <usize>K << 2;
  const duRS = <usize>K << 2;
  for (let xi = 0; xi < planes; xi++) {
    const v = vPtr + (<usize>(xi * blockT * C) << 2);
    const d = dPtr + (<usize>(xi * blockT * K) << 2);
    const du = duPtr + (<usize>(xi * C * K) << 2);
    let c = 0;
    for (; c + 2 <= C; c += 2) {
      const vc = v + (<usize>c << 2);
      const duc = du + <usize>c * duRS;
      let k = 0;
      for (; k + 16 <= K; k += 16) {
        gemmT2x16(vc, d + (<usize>k << 2), duc + (<usize>k << 2), count, vRS,
          dRS, duRS);
      }
      if (k + 8 <= K) {
        gemmT2x8(vc, d + (<usize>k << 2), duc + (<usize>k << 2), count, vRS,
          dRS, duRS);
        k += 8;
      }
      for (let j = 0; j < 2; j++) {
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
