// AssemblyScript (not Deno TypeScript): a direct 3x3 'same' convolution of
// NHWC data with few input channels (the models' first conv reads the grey
// image: C = 1, where Winograd's transforms cost more than they save), with
// bias, optional ReLU, and optional 2x2 max-pool of its output, so that the
// full-size output is never written. SIMD over the output channels; built by
// lib/kernels/plumbing/build.ts into lib/kernels/plumbing/kernels_wasm.ts.

import { ld, st } from "../plumbing/lanes";

/**
 * act(bias + conv) at output pixel (oy, ox) for 16 channels from k (w, b
 * already offset to k): into a0..a3 of the caller through `acc` (64 bytes).
 */
@inline function pixel16(
  xImg: usize, w: usize, b: usize, acc: usize, oy: i32, ox: i32, H: i32,
  W: i32, C: i32, K: i32,
): void {
  let a0 = v128.load(b), a1 = v128.load(b, 16);
  let a2 = v128.load(b, 32), a3 = v128.load(b, 48);
  const tapB = <usize>(C * K) << 2;
  for (let ky = 0; ky < 3; ky++) {
    const iy = oy + ky - 1;
    if (iy < 0 || iy >= H) continue;
    for (let kx = 0; kx < 3; kx++) {
      const ix = ox + kx - 1;
      if (ix < 0 || ix >= W) continue;
      const xp = xImg + (<usize>((iy * W + ix) * C) << 2);
      let wp = w + <usize>(ky * 3 + kx) * tapB;
      for (let c = 0; c < C; c++) {
        const x = v128.load32_splat(xp + (<usize>c << 2));
        a0 = f32x4.relaxed_madd(x, v128.load(wp), a0);
        a1 = f32x4.relaxed_madd(x, v128.load(wp, 16), a1);
        a2 = f32x4.relaxed_madd(x, v128.load(wp, 32), a2);
        a3 = f32x4.relaxed_madd(x, v128.load(wp, 48), a3);
        wp += <usize>K << 2;
      }
    }
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
}

/** The same for 4 channels from k (1 when !full). */
@inline function pixel4(
  xImg: usize, w: usize, b: usize, oy: i32, ox: i32, H: i32, W: i32, C: i32,
  K: i32, full: bool,
): v128 {
  let a = ld(b, full);
  const tapB = <usize>(C * K) << 2;
  for (let ky = 0; ky < 3; ky++) {
    const iy = oy + ky - 1;
    if (iy < 0 || iy >= H) continue;
    for (let kx = 0; kx < 3; kx++) {
      const ix = ox + kx - 1;
      if (ix < 0 || ix >= W) continue;
      const xp = xImg + (<usize>((iy * W + ix) * C) << 2);
      let wp = w + <usize>(ky * 3 + kx) * tapB;
      for (let c = 0; c < C; c++) {
        a = f32x4.relaxed_madd(v128.load32_splat(xp + (<usize>c << 2)),
          ld(wp, full), a);
        wp += <usize>K << 2;
      }
    }
  }
  return a;
}

/**
 * y = act(bias + conv3x3(x, w)), 'same' padding, for images [n0, n1) of x
 * [N, H, W, C], w [3][3][C][K], bias [K] (bPtr required); with `pool`, y is
 * the 2x2 max-pool [N, H / 2, W / 2, K] (H, W even), else [N, H, W, K].
 * accPtr: 256 bytes (this call's own); relu, pool: 0 or 1.
 */
export function convSmall(
  xPtr: usize, wPtr: usize, bPtr: usize, yPtr: usize, accPtr: usize, n0: i32,
  n1: i32, H: i32, W: i32, C: i32, K: i32, relu: i32, pool: i32,
): void {
  const zero = f32x4.splat(0);
  const s = pool ? 2 : 1;
  const YH = H / s, YW = W / s;
  const pixB = <usize>K << 2;
  for (let n = n0; n < n1; n++) {
    const xImg = xPtr + (<usize>(n * H * W * C) << 2);
    for (let py = 0; py < YH; py++) {
      for (let px = 0; px < YW; px++) {
        const y = yPtr + <usize>((n * YH + py) * YW + px) * pixB;
        let k = 0;
        for (; k + 16 <= K; k += 16) {
          const o = <usize>k << 2;
          let m0 = zero, m1 = zero, m2 = zero, m3 = zero;
          for (let q = 0; q < s * s; q++) {
            const acc = accPtr + (<usize>q << 6);
            pixel16(xImg, wPtr + o, bPtr + o, acc, s * py + q / s,
              s * px + q % s, H, W, C, K);
          }
          // The window's maximum (or the one pixel), then the activation.
          m0 = v128.load(accPtr); m1 = v128.load(accPtr, 16);
          m2 = v128.load(accPtr, 32); m3 = v128.load(accPtr, 48);
          for (let q = 1; q < s * s; q++) {
            const acc = accPtr + (<usize>q << 6);
            m0 = f32x4.max(m0, v128.load(acc));
            m1 = f32x4.max(m1, v128.load(acc, 16));
            m2 = f32x4.max(m2, v128.load(acc, 32));
            m3 = f32x4.max(m3, v128.load(acc, 48));
          }
          if (relu) {
            m0 = f32x4.max(m0, zero); m1 = f32x4.max(m1, zero);
            m2 = f32x4.max(m2, zero); m3 = f32x4.max(m3, zero);
          }
          v128.store(y + o, m0); v128.store(y + o, m1, 16);
          v128.store(y + o, m2, 32); v128.store(y + o, m3, 48);
        }
        while (k < K) {
          const full = k + 4 <= K;
          const o = <usize>k << 2;
          let m = pixel4(xImg, wPtr + o, bPtr + o, s * py, s * px, H, W, C, K,
            full);
          for (let q = 1; q < s * s; q++) {
            m = f32x4.max(m, pixel4(xImg, wPtr + o, bPtr + o, s * py + q / s,
              s * px + q % s, H, W, C, K, full));
          }
          if (relu) m = f32x4.max(m, zero);
          st(y + o, m, full);
          k += full ? 4 : 1;
        }
      }
    }
  }
}
