// AssemblyScript: the sum of partial results that chunks of work wrote into
// separate buffers (the filter gradients' per-chunk accumulators), added in
// chunk order into the first buffer: the same float32 additions, in the
// same order, as a plain loop, 4 lanes at a time.

/**
 * part0[j] = ((part0[j] + part1[j]) + part2[j]) + ... for j in [j0, j1),
 * where part i starts at base + i * strideB (bytes).
 */
export function addPartials(
  base: usize, strideB: usize, parts: i32, j0: i32, j1: i32,
): void {
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const o = base + (<usize>j << 2);
    let a = v128.load(o);
    for (let i = 1; i < parts; i++) {
      a = f32x4.add(a, v128.load(o + <usize>i * strideB));
    }
    v128.store(o, a);
  }
  for (; j < j1; j++) {
    const o = base + (<usize>j << 2);
    let a = load<f32>(o);
    for (let i = 1; i < parts; i++) a += load<f32>(o + <usize>i * strideB);
    store<f32>(o, a);
  }
}
