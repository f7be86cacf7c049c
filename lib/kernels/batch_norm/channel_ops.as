// AssemblyScript: per-channel passes over a row-major [rows, C] float32
// matrix (an NHWC tensor with C channels), for BatchNorm in training mode.
// Sums go through float32 blocks of 256 rows into float64 totals, as in
// column_sums.as.

const BLOCK: i32 = 256;

/**
 * out2[c] = scale * sum_r u'[r,c] * (v[r,c] - m[c]) where u' is u, or
 * u - m[c] when centreU != 0; and, when out1Ptr != 0, out1[c] = sum_r u[r,c].
 * tmp: 24 * C bytes of scratch, 8-byte aligned. A block's sums stay in
 * registers: 8 columns at a time walk down its rows (then 4, then 1).
 */
export function columnCentredDots(
  uPtr: usize, vPtr: usize, mPtr: usize, out1Ptr: usize, out2Ptr: usize,
  tmpPtr: usize, rows: i32, C: i32, centreU: i32, scale: f64,
): void {
  const tot1 = tmpPtr;
  const tot2 = tmpPtr + (<usize>C << 3);
  const blk1 = tmpPtr + (<usize>C << 4);
  const blk2 = blk1 + (<usize>C << 2);
  const rowBytes = <usize>C << 2;
  for (let c = 0; c < 2 * C; c++) store<f64>(tot1 + (<usize>c << 3), 0);
  const um = centreU != 0 ? f32x4.splat(1) : f32x4.splat(0);
  const umS: f32 = centreU != 0 ? 1 : 0;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const n = min(rows, r0 + BLOCK) - r0;
    const start = <usize>r0 * rowBytes;
    let c = 0;
    for (; c + 8 <= C; c += 8) {
      const cb = <usize>c << 2;
      const m0 = v128.load(mPtr + cb), m1 = v128.load(mPtr + cb, 16);
      const um0 = f32x4.mul(um, m0), um1 = f32x4.mul(um, m1);
      let s0 = f32x4.splat(0), s1 = s0, d0 = s0, d1 = s0;
      let pu = uPtr + start + cb, pv = vPtr + start + cb;
      for (let r = 0; r < n; r++) {
        const u0 = f32x4.sub(v128.load(pu), um0);
        const u1 = f32x4.sub(v128.load(pu, 16), um1);
        s0 = f32x4.add(s0, u0);
        s1 = f32x4.add(s1, u1);
        d0 = f32x4.relaxed_madd(u0, f32x4.sub(v128.load(pv), m0), d0);
        d1 = f32x4.relaxed_madd(u1, f32x4.sub(v128.load(pv, 16), m1), d1);
        pu += rowBytes;
        pv += rowBytes;
      }
      v128.store(blk1 + cb, s0); v128.store(blk1 + cb, s1, 16);
      v128.store(blk2 + cb, d0); v128.store(blk2 + cb, d1, 16);
    }
    for (; c + 4 <= C; c += 4) {
      const cb = <usize>c << 2;
      const m = v128.load(mPtr + cb);
      const umv = f32x4.mul(um, m);
      let s = f32x4.splat(0), d = s;
      let pu = uPtr + start + cb, pv = vPtr + start + cb;
      for (let r = 0; r < n; r++) {
        const u = f32x4.sub(v128.load(pu), umv);
        s = f32x4.add(s, u);
        d = f32x4.relaxed_madd(u, f32x4.sub(v128.load(pv), m), d);
        pu += rowBytes;
        pv += rowBytes;
      }
      v128.store(blk1 + cb, s);
      v128.store(blk2 + cb, d);
    }
    for (; c < C; c++) {
      const cb = <usize>c << 2;
      const m = load<f32>(mPtr + cb);
      let s: f32 = 0, d: f32 = 0;
      let pu = uPtr + start + cb, pv = vPtr + start + cb;
      for (let r = 0; r < n; r++) {
        const u = load<f32>(pu) - umS * m;
        s += u;
        d += u * (load<f32>(pv) - m);
        pu += rowBytes;
        pv += rowBytes;
      }
      store<f32>(blk1 + cb, s);
      store<f32>(blk2 + cb, d);
    }
    for (let c = 0; c < 2 * C; c++) {
      const t = tot1 + (<usize>c << 3);
      store<f64>(t, load<f64>(t) + <f64>load<f32>(blk1 + (<usize>c << 2)));
    }
  }
  for (let c = 0; c < C; c++) {
    const cb = <usize>c << 2;
    const c8 = <usize>c << 3;
    if (out1Ptr != 0) {
      // sum of u (when centred, add back m * rows).
      store<f32>(out1Ptr + cb, <f32>(load<f64>(tot1 + c8) + <f64>(umS * load<f32>(mPtr + cb)) * <f64>rows));
    }
    store<f32>(out2Ptr + cb, <f32>(load<f64>(tot2 + c8) * scale));
  }
}

/**
 * out[r,c] = a[c] * u[r,c] + b[c] * v[r,c] + d[c]; v is skipped when
 * vPtr == 0. out may alias u or v.
 */
export function channelAffine(
  uPtr: usize, vPtr: usize, outPtr: usize, aPtr: usize, bPtr: usize, dPtr: usize,
  rows: i32, C: i32,
): void {
  const rowBytes = <usize>C << 2;
  let off: usize = 0;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const cb = <usize>c << 2;
      let y = f32x4.relaxed_madd(v128.load(aPtr + cb), v128.load(uPtr + off + cb), v128.load(dPtr + cb));
      if (vPtr != 0) y = f32x4.relaxed_madd(v128.load(bPtr + cb), v128.load(vPtr + off + cb), y);
      v128.store(outPtr + off + cb, y);
    }
    for (; c < C; c++) {
      const cb = <usize>c << 2;
      let y = load<f32>(aPtr + cb) * load<f32>(uPtr + off + cb) + load<f32>(dPtr + cb);
      if (vPtr != 0) y += load<f32>(bPtr + cb) * load<f32>(vPtr + off + cb);
      store<f32>(outPtr + off + cb, y);
    }
    off += rowBytes;
  }
}
