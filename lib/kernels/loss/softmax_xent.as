// AssemblyScript: mean softmax cross-entropy over the rows of a row-major
// [rows, C] float32 matrix of logits against int32 labels, and its gradient
// (softmax - onehot) / rows, in one pass per row. exp is a 4-lane SIMD
// version of Cephes' expf (range reduction by ln 2 in two parts, degree-5
// polynomial, scaling by 2^n through the exponent bits): ~1 ulp on the range
// used here, x - max(x) <= 0. (No Math.log: it would bring a data segment.)

// @ts-ignore: decorator
@inline function exp4(x: v128): v128 {
  // Below -87.3 exp underflows float32's normal range: clamp (gives ~1e-38).
  // pmax (one instruction; max also orders NaNs and signed zeros).
  x = f32x4.pmax(x, f32x4.splat(-87.3));
  // n = round(x / ln 2) by adding 1.5 * 2^23: t's low mantissa bits then hold
  // n (two's complement), which the shift below moves into the exponent field.
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)),
    f32x4.splat(12582912.0));
  const n = f32x4.sub(t, f32x4.splat(12582912.0));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.relaxed_madd(p, r, f32x4.splat(1.3981999507e-3));
  p = f32x4.relaxed_madd(p, r, f32x4.splat(8.3334519073e-3));
  p = f32x4.relaxed_madd(p, r, f32x4.splat(4.1665795894e-2));
  p = f32x4.relaxed_madd(p, r, f32x4.splat(1.6666665459e-1));
  p = f32x4.relaxed_madd(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.relaxed_madd(p, f32x4.mul(r, r), r), f32x4.splat(1));
  // p * 2^n: add n to the exponent field.
  return i32x4.add(p, i32x4.shl(t, 23));
}

/**
 * grad[r, c] = (softmax(x[r])[c] - [c == label[r]]) / total, and per row
 * stats[r] = sum_c exp(x[r, c] - max_r), stats[rows + r] = max_r - x[r, label]
 * (the loss of row r is log(stats[r]) + stats[rows + r]; the caller takes the
 * logs). Returns 0, or rows - r for the first row r whose label is outside
 * [0, C).
 * C must be a multiple of 4.
 */
export function softmaxXent(
  xPtr: usize, labelPtr: usize, gradPtr: usize, statsPtr: usize, rows: i32, C: i32,
  total: i32,
): i32 {
  // total: the rows of the whole batch (a caller may pass a share of them).
  const inv = <f32>1 / <f32>total;
  const rowB = <usize>C << 2;
  let x = xPtr;
  let g = gradPtr;
  for (let r = 0; r < rows; r++) {
    const label = load<i32>(labelPtr + (<usize>r << 2));
    if (label < 0 || label >= C) return rows - r;
    // The row's max and sum end up in every lane (shuffles, no scalar code).
    let m = v128.load(x);
    for (let c = 4; c < C; c += 4) m = f32x4.pmax(m, v128.load(x + (<usize>c << 2)));
    m = f32x4.pmax(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
    const mv = f32x4.pmax(m, v128.shuffle<f32>(m, m, 1, 0, 3, 2));
    let s = f32x4.splat(0);
    for (let c = 0; c < C; c += 4) {
      const e = exp4(f32x4.sub(v128.load(x + (<usize>c << 2)), mv));
      v128.store(g + (<usize>c << 2), e);
      s = f32x4.add(s, e);
    }
    s = f32x4.add(s, v128.shuffle<f32>(s, s, 2, 3, 0, 1));
    s = f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2));
    const sum = f32x4.extract_lane(s, 0);
    const mx = f32x4.extract_lane(mv, 0);
    const scale = f32x4.div(f32x4.splat(inv), s);
    for (let c = 0; c < C; c += 4) {
      const p = g + (<usize>c << 2);
      v128.store(p, f32x4.mul(v128.load(p), scale));
    }
    const lp = g + (<usize>label << 2);
    store<f32>(lp, load<f32>(lp) - inv);
    store<f32>(statsPtr + (<usize>r << 2), sum);
    store<f32>(statsPtr + (<usize>(rows + r) << 2), mx - load<f32>(x + (<usize>label << 2)));
    x += rowB;
    g += rowB;
  }
  return 0;
}
