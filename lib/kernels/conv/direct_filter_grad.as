// AssemblyScript (not Deno TypeScript): the filter gradient of an NHWC
// convolution with wasm SIMD, built by lib/kernels/plumbing/build.ts into
// lib/kernels/plumbing/kernels_wasm.ts.
//
// dW[th, tw, c, k] = sum over n, oy, ox of
//   x[n, oy*sH + th*dH - pT, ox*sW + tw*dW - pL, c] * dy[n, oy, ox, k]
//
// Treated as a matrix product [taps*C x pixels] . [pixels x K] without an
// im2col buffer: for each image and tap the valid output window is computed
// once (padding folded into the loop bounds and row offsets), and a register
// tile of 2 input channels x 16 output channels (8 f32x4 accumulators) walks
// the window. Work goes image by image and in strips of output rows so that
// the rows of x and dy in use stay in L1.
// Any C and K (tails: 8-, 4- and 1-wide tiles).

@inline function ceilDiv(a: i32, b: i32): i32 {
  // b > 0; rounds towards +infinity for negative a too.
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

/** Tile of 2 channels x 16 outputs over one window. */
@inline function tile2x16(
  xp: usize, dyp: usize, wp: usize, wRow: usize,
  rows: i32, cols: i32, xRS: usize, xCS: usize, dyRS: usize, dyCS: usize,
): void {
  let a00 = v128.load(wp), a01 = v128.load(wp, 16);
  let a02 = v128.load(wp, 32), a03 = v128.load(wp, 48);
  let a10 = v128.load(wp + wRow), a11 = v128.load(wp + wRow, 16);
  let a12 = v128.load(wp + wRow, 32), a13 = v128.load(wp + wRow, 48);
  for (let r = 0; r < rows; r++) {
    let xr = xp + <usize>r * xRS;
    let dr = dyp + <usize>r * dyRS;
    for (let i = 0; i < cols; i++) {
      const x0 = v128.load32_splat(xr);
      const x1 = v128.load32_splat(xr, 4);
      const d0 = v128.load(dr), d1 = v128.load(dr, 16);
      const d2 = v128.load(dr, 32), d3 = v128.load(dr, 48);
      a00 = f32x4.relaxed_madd(x0, d0, a00);
      a01 = f32x4.relaxed_madd(x0, d1, a01);
      a02 = f32x4.relaxed_madd(x0, d2, a02);
      a03 = f32x4.relaxed_madd(x0, d3, a03);
      a10 = f32x4.relaxed_madd(x1, d0, a10);
      a11 = f32x4.relaxed_madd(x1, d1, a11);
      a12 = f32x4.relaxed_madd(x1, d2, a12);
      a13 = f32x4.relaxed_madd(x1, d3, a13);
      xr += xCS;
      dr += dyCS;
    }
  }
  v128.store(wp, a00); v128.store(wp, a01, 16);
  v128.store(wp, a02, 32); v128.store(wp, a03, 48);
  v128.store(wp + wRow, a10); v128.store(wp + wRow, a11, 16);
  v128.store(wp + wRow, a12, 32); v128.store(wp + wRow, a13, 48);
}

/** Tile of 2 channels x 8 outputs (the K % 16 == 8 tail). */
@inline function tile2x8(
  xp: usize, dyp: usize, wp: usize, wRow: usize,
  rows: i32, cols: i32, xRS: usize, xCS: usize, dyRS: usize, dyCS: usize,
): void {
  let a00 = v128.load(wp), a01 = v128.load(wp, 16);
  let a10 = v128.load(wp + wRow), a11 = v128.load(wp + wRow, 16);
  for (let r = 0; r < rows; r++) {
    let xr = xp + <usize>r * xRS;
    let dr = dyp + <usize>r * dyRS;
    for (let i = 0; i < cols; i++) {
      const x0 = v128.load32_splat(xr);
      const x1 = v128.load32_splat(xr, 4);
      const d0 = v128.load(dr), d1 = v128.load(dr, 16);
      a00 = f32x4.relaxed_madd(x0, d0, a00);
      a01 = f32x4.relaxed_madd(x0, d1, a01);
      a10 = f32x4.relaxed_madd(x1, d0, a10);
      a11 = f32x4.relaxed_madd(x1, d1, a11);
      xr += xCS;
      dr += dyCS;
    }
  }
  v128.store(wp, a00); v128.store(wp, a01, 16);
  v128.store(wp + wRow, a10); v128.store(wp + wRow, a11, 16);
}

/** Tile of 1 channel x 16 outputs (odd C). */
@inline function tile1x16(
  xp: usize, dyp: usize, wp: usize,
  rows: i32, cols: i32, xRS: usize, xCS: usize, dyRS: usize, dyCS: usize,
): void {
  let a0 = v128.load(wp), a1 = v128.load(wp, 16);
  let a2 = v128.load(wp, 32), a3 = v128.load(wp, 48);
  for (let r = 0; r < rows; r++) {
    let xr = xp + <usize>r * xRS;
    let dr = dyp + <usize>r * dyRS;
    for (let i = 0; i < cols; i++) {
      const x0 = v128.load32_splat(xr);
      a0 = f32x4.relaxed_madd(x0, v128.load(dr), a0);
      a1 = f32x4.relaxed_madd(x0, v128.load(dr, 16), a1);
      a2 = f32x4.relaxed_madd(x0, v128.load(dr, 32), a2);
      a3 = f32x4.relaxed_madd(x0, v128.load(dr, 48), a3);
      xr += xCS;
      dr += dyCS;
    }
  }
  v128.store(wp, a0); v128.store(wp, a1, 16);
  v128.store(wp, a2, 32); v128.store(wp, a3, 48);
}

/** Tile of 1 channel x 8 outputs. */
@inline function tile1x8(
  xp: usize, dyp: usize, wp: usize,
  rows: i32, cols: i32, xRS: usize, xCS: usize, dyRS: usize, dyCS: usize,
): void {
  let a0 = v128.load(wp), a1 = v128.load(wp, 16);
  for (let r = 0; r < rows; r++) {
    let xr = xp + <usize>r * xRS;
    let dr = dyp + <usize>r * dyRS;
    for (let i = 0; i < cols; i++) {
      const x0 = v128.load32_splat(xr);
      a0 = f32x4.relaxed_madd(x0, v128.load(dr), a0);
      a1 = f32x4.relaxed_madd(x0, v128.load(dr, 16), a1);
      xr += xCS;
      dr += dyCS;
    }
  }
  v128.store(wp, a0); v128.store(wp, a1, 16);
}

/** Tile of 2 channels x 4 outputs (the K % 8 == 4 tail). */
@inline function tile2x4(
  xp: usize, dyp: usize, wp: usize, wRow: usize,
  rows: i32, cols: i32, xRS: usize, xCS: usize, dyRS: usize, dyCS: usize,
): void {
  let a0 = v128.load(wp), a1 = v128.load(wp + wRow);
  for (let r = 0; r < rows; r++) {
    let xr = xp + <usize>r * xRS;
    let dr = dyp + <usize>r * dyRS;
    for (let i = 0; i < cols; i++) {
      const d0 = v128.load(dr);
      a0 = f32x4.relaxed_madd(v128.load32_splat(xr), d0, a0);
      a1 = f32x4.relaxed_madd(v128.load32_splat(xr, 4), d0, a1);
      xr += xCS;
      dr += dyCS;
    }
  }
  v128.store(wp, a0);
  v128.store(wp + wRow, a1);
}

/** Tile of 1 channel x 4 outputs. */
@inline function tile1x4(
  xp: usize, dyp: usize, wp: usize,
  rows: i32, cols: i32, xRS: usize, xCS: usize, dyRS: usize, dyCS: usize,
): void {
  let a0 = v128.load(wp);
  for (let r = 0; r < rows; r++) {
    let xr = xp + <usize>r * xRS;
    let dr = dyp + <usize>r * dyRS;
    for (let i = 0; i < cols; i++) {
      a0 = f32x4.relaxed_madd(v128.load32_splat(xr), v128.load(dr), a0);
      xr += xCS;
      dr += dyCS;
    }
  }
  v128.store(wp, a0);
}

/** One channel x one output, scalar (the K % 4 tail). */
@inline function tile1x1(
  xp: usize, dyp: usize, wp: usize,
  rows: i32, cols: i32, xRS: usize, xCS: usize, dyRS: usize, dyCS: usize,
): void {
  let a = load<f32>(wp);
  for (let r = 0; r < rows; r++) {
    let xr = xp + <usize>r * xRS;
    let dr = dyp + <usize>r * dyRS;
    for (let i = 0; i < cols; i++) {
      a += load<f32>(xr) * load<f32>(dr);
      xr += xCS;
      dr += dyCS;
    }
  }
  store<f32>(wp, a);
}

/**
 * Accumulates images [n0, n1) into dW (which the caller zeroes once).
 * Pointers are byte offsets in the (imported) memory.
 */
export function filterGrad(
  xPtr: usize, dyPtr: usize, dwPtr: usize,
  n0: i32, n1: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, K: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, pT: i32, pL: i32,
): void {
  const xRS = <usize>(sH * W * C) << 2;
  const xCS = <usize>(sW * C) << 2;
  const dyRS = <usize>(OW * K) << 2;
  const dyCS = <usize>K << 2;
  const wRow = <usize>K << 2;
  // Strips of output rows small enough that their dy and x rows stay in L1.
  const rowBytes = OW * K * 4 + sH * W * C * 4;
  const strip = max(1, min(OH, 20480 / rowBytes));
  for (let n = n0; n < n1; n++) {
    for (let s0 = 0; s0 < OH; s0 += strip) {
      const s1 = min(OH, s0 + strip);
      for (let th = 0; th < kH; th++) {
        const oy0 = max(s0, ceilDiv(pT - th * dH, sH));
        const oy1 = min(s1, ceilDiv(H + pT - th * dH, sH));
        if (oy0 >= oy1) continue;
        for (let tw = 0; tw < kW; tw++) {
          const ox0 = max(0, ceilDiv(pL - tw * dW, sW));
          const ox1 = min(OW, ceilDiv(W + pL - tw * dW, sW));
          if (ox0 >= ox1) continue;
          tap(
            xPtr, dyPtr, dwPtr, n, H, W, C, OH, OW, K, kW, th, tw, oy0, oy1,
            ox0, ox1, sH, sW, dH, dW, pT, pL, xRS, xCS, dyRS, dyCS, wRow,
          );
        }
      }
    }
  }
}

/** One tap (th, tw) over the output window [oy0, oy1) x [ox0, ox1). */
@inline function tap(
  xPtr: usize, dyPtr: usize, dwPtr: usize, n: i32,
  H: i32, W: i32, C: i32, OH: i32, OW: i32, K: i32, kW: i32,
  th: i32, tw: i32, oy0: i32, oy1: i32, ox0: i32, ox1: i32,
  sH: i32, sW: i32, dH: i32, dW: i32, pT: i32, pL: i32,
  xRS: usize, xCS: usize, dyRS: usize, dyCS: usize, wRow: usize,
): void {
  const rows = oy1 - oy0;
  const cols = ox1 - ox0;
  const iy = oy0 * sH + th * dH - pT;
  const ix = ox0 * sW + tw * dW - pL;
  const xBase = xPtr + (<usize>(((n * H + iy) * W + ix) * C) << 2);
  const dyBase = dyPtr + (<usize>(((n * OH + oy0) * OW + ox0) * K) << 2);
  const wTap = dwPtr + (<usize>((th * kW + tw) * C * K) << 2);
  let c = 0;
  for (; c + 2 <= C; c += 2) {
    const xp = xBase + (<usize>c << 2);
    const wc = wTap + (<usize>(c * K) << 2);
    let k = 0;
    for (; k + 16 <= K; k += 16) {
      tile2x16(xp, dyBase + (<usize>k << 2), wc + (<usize>k << 2), wRow,
        rows, cols, xRS, xCS, dyRS, dyCS);
    }
    if (k + 8 <= K) {
      tile2x8(xp, dyBase + (<usize>k << 2), wc + (<usize>k << 2), wRow,
        rows, cols, xRS, xCS, dyRS, dyCS);
      k += 8;
    }
    if (k + 4 <= K) {
      tile2x4(xp, dyBase + (<usize>k << 2), wc + (<usize>k << 2), wRow,
        rows, cols, xRS, xCS, dyRS, dyCS);
      k += 4;
    }
    for (; k < K; k++) {
      for (let j = 0; j < 2; j++) {
        tile1x1(xp + (<usize>j << 2), dyBase + (<usize>k << 2),
          wc + <usize>j * wRow + (<usize>k << 2), rows, cols, xRS, xCS, dyRS, dyCS);
      }
    }
  }
  if (c < C) {
    const xp = xBase + (<usize>c << 2);
    const wc = wTap + (<usize>(c * K) << 2);
    let k = 0;
    for (; k + 16 <= K; k += 16) {
      tile1x16(xp, dyBase + (<usize>k << 2), wc + (<usize>k << 2),
        rows, cols, xRS, xCS, dyRS, dyCS);
    }
    if (k + 8 <= K) {
      tile1x8(xp, dyBase + (<usize>k << 2), wc + (<usize>k << 2),
        rows, cols, xRS, xCS, dyRS, dyCS);
      k += 8;
    }
    if (k + 4 <= K) {
      tile1x4(xp, dyBase + (<usize>k << 2), wc + (<usize>k << 2),
        rows, cols, xRS, xCS, dyRS, dyCS);
      k += 4;
    }
    for (; k < K; k++) {
      tile1x1(xp, dyBase + (<usize>k << 2), wc + (<usize>k << 2),
        rows, cols, xRS, xCS, dyRS, dyCS);
    }
  }
}
