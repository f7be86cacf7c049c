// AssemblyScript: the gradient of nearest-neighbour x2 upsampling of NHWC
// float32 data in one pass: dx[n, i, j, c] = the sum of dy over the 2x2
// block (2i, 2j) .. (2i + 1, 2j + 1), as (top-left + top-right) +
// (bottom-left + bottom-right). (tfjs: an average pool, then a multiply.)

/**
 * dx rows [0, rows) (a row: OW pixels of C channels; rows = N * OH) from dy
 * [rows * 2, 2 * OW, C]; pointers are byte offsets, C any.
 */
export function upsample2xGrad(
  dyPtr: usize, dxPtr: usize, rows: i32, OW: i32, C: i32,
): void {
  const pixB = <usize>C << 2;
  const dyRowB = <usize>(2 * OW) * pixB;
  let s = dyPtr;
  let d = dxPtr;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < OW; j++) {
      const t = s, b = s + dyRowB;
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const o = <usize>c << 2;
        v128.store(d + o, f32x4.add(
          f32x4.add(v128.load(t + o), v128.load(t + pixB + o)),
          f32x4.add(v128.load(b + o), v128.load(b + pixB + o)),
        ));
      }
      for (; c < C; c++) {
        const o = <usize>c << 2;
        store<f32>(d + o, (load<f32>(t + o) + load<f32>(t + pixB + o)) +
          (load<f32>(b + o) + load<f32>(b + pixB + o)));
      }
      s += pixB << 1;
      d += pixB;
    }
    s += dyRowB;
  }
}
