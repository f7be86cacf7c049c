// AssemblyScript: the gradient of a 2x2, stride-2 max-pool of NHWC data in
// one pass: dx[n, 2i+a, 2j+b, c] = dy[n, i, j, c] where x equals the pooled
// maximum y[n, i, j, c] (every tied maximum receives it), else 0. Rows and
// columns past 2*OH, 2*OW (odd sizes) are left to the caller (zeroed).

/** See the file comment; pointers are byte offsets, C any. */
export function maxPool2x2Grad(
  xPtr: usize, yPtr: usize, dyPtr: usize, dxPtr: usize,
  N: i32, H: i32, W: i32, C: i32,
): void {
  const OH = H >> 1;
  const OW = W >> 1;
  const cB = <usize>C << 2;
  const rowB = <usize>W * cB;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < OH; i++) {
      const top = <usize>(n * H + 2 * i) * rowB;
      let yo = <usize>((n * OH + i) * OW) * cB;
      for (let j = 0; j < OW; j++) {
        const p00 = top + <usize>(2 * j) * cB;
        const p01 = p00 + cB;
        const p10 = p00 + rowB;
        const p11 = p10 + cB;
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          const o = <usize>c << 2;
          const y = v128.load(yPtr + yo + o);
          const d = v128.load(dyPtr + yo + o);
          v128.store(dxPtr + p00 + o, v128.and(f32x4.eq(v128.load(xPtr + p00 + o), y), d));
          v128.store(dxPtr + p01 + o, v128.and(f32x4.eq(v128.load(xPtr + p01 + o), y), d));
          v128.store(dxPtr + p10 + o, v128.and(f32x4.eq(v128.load(xPtr + p10 + o), y), d));
          v128.store(dxPtr + p11 + o, v128.and(f32x4.eq(v128.load(xPtr + p11 + o), y), d));
        }
        for (; c < C; c++) {
          const o = <usize>c << 2;
          const y = load<f32>(yPtr + yo + o);
          const d = load<f32>(dyPtr + yo + o);
          store<f32>(dxPtr + p00 + o, load<f32>(xPtr + p00 + o) == y ? d : 0);
          store<f32>(dxPtr + p01 + o, load<f32>(xPtr + p01 + o) == y ? d : 0);
          store<f32>(dxPtr + p10 + o, load<f32>(xPtr + p10 + o) == y ? d : 0);
          store<f32>(dxPtr + p11 + o, load<f32>(xPtr + p11 + o) == y ? d : 0);
        }
        yo += cB;
      }
    }
  }
}
