// AssemblyScript: per-channel passes over a row-major [rows, C] float32
// matrix (an NHWC tensor with C channels), for BatchNorm in training mode.
// Sums go through float32 blocks of 256 rows into float64 totals, as in
// column_sums.as.

const BLOCK: i32 = 256;

/**
 * out2[c] = scale * sum_r u'[r,c] * (v[r,c] - m[c]) where u' is u, or
 * u - m[c] when centreU != 0; and, when out1Ptr != 0, out1[c] = sum_r u[r,c].
 * tmp: 24 * C bytes of scratch, 8-byte aligned.
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
    const r1 = min(rows, r0 + BLOCK);
    for (let c = 0; c < 2 * C; c++) store<f32>(blk1 + (<usize>c << 2), 0);
    let off = <usize>r0 * rowBytes;
    for (let r = r0; r < r1; r++) {
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const cb = <usize>c << 2;
        const m = v128.load(mPtr + cb);
        const u = f32x4.sub(v128.load(uPtr + off + cb), f32x4.mul(um, m));
        const d = f32x4.sub(v128.load(vPtr + off + cb), m);
        v128.store(blk1 + cb, f32x4.add(v128.load(blk1 + cb), u));
        v128.store(blk2 + cb, f32x4.relaxed_madd(u, d, v128.load(blk2 + cb)));
      }
      for (; c < C; c++) {
        const cb = <usize>c << 2;
        const m = load<f32>(mPtr + cb);
        const u = load<f32>(uPtr + off + cb) - umS * m;
        store<f32>(blk1 + cb, load<f32>(blk1 + cb) + u);
        store<f32>(blk2 + cb, load<f32>(blk2 + cb) + u * (load<f32>(vPtr + off + cb) - m));
      }
      off += rowBytes;
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
