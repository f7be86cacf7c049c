// AssemblyScript: copy a block of columns between two row-major matrices
// (4-byte elements). Splitting or concatenating a tensor along an axis is
// this with rows = the product of the dimensions before the axis and columns
// = the rest. Short rows (the models' channel axis: 1 to 128 floats) go by
// 4-lane loads and stores: one memory.copy per row costs a call each, 2 ms
// for the UNet's last skip connection (102,400 rows of 24 and 1 floats).

/** Rows at least this many floats wide go by memory.copy. */
const LONG: i32 = 32;

/** dst[r, dstC0 + i] = src[r, srcC0 + i] for r < rows, i < width. */
export function copyColumns(
  srcPtr: usize, dstPtr: usize, rows: i32, srcCols: i32, dstCols: i32,
  srcC0: i32, dstC0: i32, width: i32,
): void {
  let s = srcPtr + (<usize>srcC0 << 2);
  let d = dstPtr + (<usize>dstC0 << 2);
  const sStep = <usize>srcCols << 2;
  const dStep = <usize>dstCols << 2;
  if (width >= LONG) {
    const bytes = <usize>width << 2;
    for (let r = 0; r < rows; r++) {
      memory.copy(d, s, bytes);
      s += sStep;
      d += dStep;
    }
    return;
  }
  const vecB = <usize>(width & ~3) << 2;
  const endB = <usize>width << 2;
  for (let r = 0; r < rows; r++) {
    let o: usize = 0;
    for (; o < vecB; o += 16) v128.store(d + o, v128.load(s + o));
    for (; o < endB; o += 4) store<f32>(d + o, load<f32>(s + o));
    s += sStep;
    d += dStep;
  }
}
