// AssemblyScript: column sums of a row-major [rows, C] float32 matrix, i.e.
// a sum or mean over the leading axes of an NHWC tensor (BatchNorm
// statistics and gradients, bias gradients). The wasm backend's own Sum
// transposes the tensor first to make the reduced axes innermost.
//
// Rows are added into float32 block sums 256 rows at a time and each block
// is added into float64 totals, so that the rounding error does not grow
// with the number of rows. A block's sums stay in registers: 16 columns at
// a time walk down its rows (then 4, then 1).

const BLOCK: i32 = 256;

/**
 * out[c] = scale * sum over r of x[r * C + c]. `tmp` is scratch of 12 * C
 * bytes (C float64 totals, then C float32 block sums), 8-byte aligned.
 */
export function columnSums(
  xPtr: usize, outPtr: usize, tmpPtr: usize, rows: i32, C: i32, scale: f64,
): void {
  const totals = tmpPtr;
  const block = tmpPtr + (<usize>C << 3);
  const rowBytes = <usize>C << 2;
  for (let c = 0; c < C; c++) store<f64>(totals + (<usize>c << 3), 0);
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const n = min(rows, r0 + BLOCK) - r0;
    const first = xPtr + <usize>r0 * rowBytes;
    let c = 0;
    for (; c + 16 <= C; c += 16) {
      let p = first + (<usize>c << 2);
      let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (let r = 0; r < n; r++) {
        s0 = f32x4.add(s0, v128.load(p));
        s1 = f32x4.add(s1, v128.load(p, 16));
        s2 = f32x4.add(s2, v128.load(p, 32));
        s3 = f32x4.add(s3, v128.load(p, 48));
        p += rowBytes;
      }
      const b = block + (<usize>c << 2);
      v128.store(b, s0); v128.store(b, s1, 16);
      v128.store(b, s2, 32); v128.store(b, s3, 48);
    }
    for (; c + 4 <= C; c += 4) {
      let p = first + (<usize>c << 2);
      let s = f32x4.splat(0);
      for (let r = 0; r < n; r++) {
        s = f32x4.add(s, v128.load(p));
        p += rowBytes;
      }
      v128.store(block + (<usize>c << 2), s);
    }
    for (; c < C; c++) {
      let p = first + (<usize>c << 2);
      let s: f32 = 0;
      for (let r = 0; r < n; r++) {
        s += load<f32>(p);
        p += rowBytes;
      }
      store<f32>(block + (<usize>c << 2), s);
    }
    for (let c = 0; c < C; c++) {
      const t = totals + (<usize>c << 3);
      store<f64>(t, load<f64>(t) + <f64>load<f32>(block + (<usize>c << 2)));
    }
  }
  for (let c = 0; c < C; c++) {
    store<f32>(outPtr + (<usize>c << 2), <f32>(load<f64>(totals + (<usize>c << 3)) * scale));
  }
}
