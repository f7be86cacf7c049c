// AssemblyScript: ReLU in one SIMD pass, y = x < 0 ? 0 : x (pmax: NaN stays
// NaN, -0 stays -0). The wasm backend's own Relu is a scalar loop on one
// thread.

/** y[i] = max(x[i], 0) for i < n (y may be x). */
export function relu(xPtr: usize, yPtr: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    v128.store(yPtr + o, f32x4.pmax(v128.load(xPtr + o), zero));
    v128.store(yPtr + o, f32x4.pmax(v128.load(xPtr + o, 16), zero), 16);
    v128.store(yPtr + o, f32x4.pmax(v128.load(xPtr + o, 32), zero), 32);
    v128.store(yPtr + o, f32x4.pmax(v128.load(xPtr + o, 48), zero), 48);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(yPtr + o, f32x4.pmax(v128.load(xPtr + o), zero));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(xPtr + o);
    store<f32>(yPtr + o, v < 0 ? 0 : v);
  }
}
