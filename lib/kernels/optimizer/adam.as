// AssemblyScript: one Adam update (PyTorch's formulation) of n parameters in
// one pass, instead of about a dozen tfjs ops per variable:
//   m' = b1 m + (1 - b1) g,  v' = b2 v + (1 - b2) g^2,
//   p' = p - stepSize * m' / (sqrt(v') / bc2Sqrt + eps)
// with stepSize = lr / (1 - b1^t) and bc2Sqrt = sqrt(1 - b2^t).

/** See the file comment; outputs may not alias inputs. */
export function adamUpdate(
  pPtr: usize, gPtr: usize, mPtr: usize, vPtr: usize,
  pOut: usize, mOut: usize, vOut: usize, n: i32,
  b1: f32, c1: f32, b2: f32, c2: f32, stepSize: f32, bc2Sqrt: f32, eps: f32,
): void {
  // c1 = 1 - b1 and c2 = 1 - b2 come from the caller: 1 - b2 in float32
  // would be off by 1e-5 (b2 = 0.999 is not a float32).
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(c1);
  const vb2 = f32x4.splat(b2), vc2 = f32x4.splat(c2);
  const vs = f32x4.splat(stepSize), vbc = f32x4.splat(bc2Sqrt), ve = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(gPtr + o);
    const m = f32x4.add(f32x4.mul(v128.load(mPtr + o), vb1), f32x4.mul(g, vc1));
    const v = f32x4.add(f32x4.mul(v128.load(vPtr + o), vb2), f32x4.mul(f32x4.mul(g, g), vc2));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), vbc), ve);
    v128.store(pOut + o, f32x4.sub(v128.load(pPtr + o), f32x4.mul(f32x4.div(m, denom), vs)));
    v128.store(mOut + o, m);
    v128.store(vOut + o, v);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(gPtr + o);
    const m = load<f32>(mPtr + o) * b1 + g * c1;
    const v = load<f32>(vPtr + o) * b2 + g * g * c2;
    const denom = Mathf.sqrt(v) / bc2Sqrt + eps;
    store<f32>(pOut + o, load<f32>(pPtr + o) - (m / denom) * stepSize);
    store<f32>(mOut + o, m);
    store<f32>(vOut + o, v);
  }
}
