// AssemblyScript: 2x2, stride-2 'valid' max-pooling of NHWC float32 data in
// one SIMD pass (pmax: each output is one of its window's inputs). The
// wasm backend's MaxPool (XNNPACK) costs several times more CPU in the
// threaded build.

/**
 * y rows [0, rows) (a row: OW pixels of C channels; rows = N * OH, H even)
 * from x rows of W pixels, two per y row, xRowB bytes apart (an odd W leaves
 * its last column out). Pointers are byte offsets.
 */
export function maxPool2x2(
  xPtr: usize, yPtr: usize, rows: i32, OW: i32, C: i32, xRowB: usize,
): void {
  const pixB = <usize>C << 2;
  let s = xPtr;
  let d = yPtr;
  for (let r = 0; r < rows; r++) {
    let t = s;
    for (let j = 0; j < OW; j++) {
      const b = t + xRowB;
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const o = <usize>c << 2;
        v128.store(d + o, f32x4.pmax(
          f32x4.pmax(v128.load(t + o), v128.load(t + pixB + o)),
          f32x4.pmax(v128.load(b + o), v128.load(b + pixB + o)),
        ));
      }
      for (; c < C; c++) {
        const o = <usize>c << 2;
        const a = max(load<f32>(t + o), load<f32>(t + pixB + o));
        store<f32>(d + o, max(a, max(load<f32>(b + o), load<f32>(b + pixB + o))));
      }
      t += pixB << 1;
      d += pixB;
    }
    s += xRowB << 1;
  }
}
