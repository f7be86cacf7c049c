// AssemblyScript: nearest-neighbour x2 upsampling of NHWC float32 data
// (out[n, y, x, c] = in[n, y >> 1, x >> 1, c]). Each source row is written
// once with every pixel doubled (SIMD copies), then copied as a whole to
// the next output row.

/** See the file comment; pointers are byte offsets, C any. */
export function upsample2x(
  srcPtr: usize, dstPtr: usize, N: i32, H: i32, W: i32, C: i32,
): void {
  const pixB = <usize>C << 2;
  const outRowB = <usize>(2 * W) * pixB;
  let s = srcPtr;
  let d = dstPtr;
  for (let r = 0; r < N * H; r++) {
    const rowStart = d;
    for (let x = 0; x < W; x++) {
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const o = <usize>c << 2;
        const v = v128.load(s + o);
        v128.store(d + o, v);
        v128.store(d + pixB + o, v);
      }
      for (; c < C; c++) {
        const o = <usize>c << 2;
        const v = load<f32>(s + o);
        store<f32>(d + o, v);
        store<f32>(d + pixB + o, v);
      }
      s += pixB;
      d += pixB << 1;
    }
    memory.copy(d, rowStart, outRowB);
    d += outRowB;
  }
}
