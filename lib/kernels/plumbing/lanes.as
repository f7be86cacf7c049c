// AssemblyScript: loads and stores of 4 float lanes, or of 1 (splat on load,
// lane 0 on store) where fewer than 4 channels are left: what lets one code
// path handle channel counts that are not multiples of 4.

/** 4 floats at p, or the float at p in every lane when !full. */
@inline export function ld(p: usize, full: bool): v128 {
  return full ? v128.load(p) : v128.load32_splat(p);
}

/** v to p, or its lane 0 when !full. */
@inline export function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}
