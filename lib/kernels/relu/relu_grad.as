// AssemblyScript: the ReLU gradient in one pass, dx = dy where x > 0, else 0
// (tfjs: step(x), a cast and a multiplication: three passes).

/** dx[i] = x[i] > 0 ? dy[i] : 0 for i < n. */
export function reluGrad(xPtr: usize, dyPtr: usize, dxPtr: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dxPtr + o, v128.and(f32x4.gt(v128.load(xPtr + o), zero), v128.load(dyPtr + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dxPtr + o, load<f32>(xPtr + o) > 0 ? load<f32>(dyPtr + o) : 0);
  }
}
