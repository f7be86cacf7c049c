// AssemblyScript: column sums of a row-major [rows, C] float32 matrix, i.e.
// a sum or mean over the leading axes of an NHWC tensor (BatchNorm
// statistics and gradients, bias gradients). The wasm backend's own Sum
// transposes the tensor first to make the reduced axes innermost.
//
// Rows are added into a float32 block accumulator (L1-resident, SIMD) 256
// rows at a time and each block is added into float64 totals, so that the
// rounding error does not grow with the number of rows.

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
    const r1 = min(rows, r0 + BLOCK);
    for (let c = 0; c < C; c++) store<f32>(block + (<usize>c << 2), 0);
    let row = xPtr + <usize>r0 * rowBytes;
    for (let r = r0; r < r1; r++) {
      let c = 0;
      for (; c + 16 <= C; c += 16) {
        const b = block + (<usize>c << 2);
        const x = row + (<usize>c << 2);
        v128.store(b, f32x4.add(v128.load(b), v128.load(x)));
        v128.store(b, f32x4.add(v128.load(b, 16), v128.load(x, 16)), 16);
        v128.store(b, f32x4.add(v128.load(b, 32), v128.load(x, 32)), 32);
        v128.store(b, f32x4.add(v128.load(b, 48), v128.load(x, 48)), 48);
      }
      for (; c + 4 <= C; c += 4) {
        const b = block + (<usize>c << 2);
        v128.store(b, f32x4.add(v128.load(b), v128.load(row + (<usize>c << 2))));
      }
      for (; c < C; c++) {
        const b = block + (<usize>c << 2);
        store<f32>(b, load<f32>(b) + load<f32>(row + (<usize>c << 2)));
      }
      row += rowBytes;
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
