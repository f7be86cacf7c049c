// AssemblyScript: the gradient of a 2x2, stride-2 max-pool of NHWC data in
// one pass: dx[n, 2i+a, 2j+b, c] = dy[n, i, j, c] at the FIRST element (in
// row-major order: top-left, top-right, bottom-left, bottom-right) equal to
// the pooled maximum y[n, i, j, c], else 0 - as PyTorch and stock tfjs do.
// Sending it to every tied maximum instead counts the window's gradient 2-4
// times in flat image regions, which gives the conv biases in front of
// BatchNorm a spurious gradient and leaves eval-mode statistics stale. Rows
// and columns past 2*OH, 2*OW (odd sizes) are left to the caller (zeroed).

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
          // lane masks of the first maximum: each excludes those before it
          const m00 = f32x4.eq(v128.load(xPtr + p00 + o), y);
          let taken = m00;
          const m01 = v128.andnot(f32x4.eq(v128.load(xPtr + p01 + o), y), taken);
          taken = v128.or(taken, m01);
          const m10 = v128.andnot(f32x4.eq(v128.load(xPtr + p10 + o), y), taken);
          taken = v128.or(taken, m10);
          const m11 = v128.andnot(f32x4.eq(v128.load(xPtr + p11 + o), y), taken);
          v128.store(dxPtr + p00 + o, v128.and(m00, d));
          v128.store(dxPtr + p01 + o, v128.and(m01, d));
          v128.store(dxPtr + p10 + o, v128.and(m10, d));
          v128.store(dxPtr + p11 + o, v128.and(m11, d));
        }
        for (; c < C; c++) {
          const o = <usize>c << 2;
          const y = load<f32>(yPtr + yo + o);
          const d = load<f32>(dyPtr + yo + o);
          const e00 = load<f32>(xPtr + p00 + o) == y;
          const e01 = !e00 && load<f32>(xPtr + p01 + o) == y;
          const e10 = !e00 && !e01 && load<f32>(xPtr + p10 + o) == y;
          const e11 = !e00 && !e01 && !e10 && load<f32>(xPtr + p11 + o) == y;
          store<f32>(dxPtr + p00 + o, e00 ? d : 0);
          store<f32>(dxPtr + p01 + o, e01 ? d : 0);
          store<f32>(dxPtr + p10 + o, e10 ? d : 0);
          store<f32>(dxPtr + p11 + o, e11 ? d : 0);
        }
        yo += cB;
      }
    }
  }
}
