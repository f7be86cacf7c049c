// AssemblyScript: copy a block of columns between two row-major matrices
// (4-byte elements), one memory.copy per row. Splitting or concatenating a
// tensor along an axis is this with rows = the product of the dimensions
// before the axis and columns = the rest.

/** dst[r, dstC0 + i] = src[r, srcC0 + i] for r < rows, i < width. */
export function copyColumns(
  srcPtr: usize, dstPtr: usize, rows: i32, srcCols: i32, dstCols: i32,
  srcC0: i32, dstC0: i32, width: i32,
): void {
  const bytes = <usize>width << 2;
  let s = srcPtr + (<usize>srcC0 << 2);
  let d = dstPtr + (<usize>dstC0 << 2);
  const sStep = <usize>srcCols << 2;
  const dStep = <usize>dstCols << 2;
  for (let r = 0; r < rows; r++) {
    memory.copy(d, s, bytes);
    s += sStep;
    d += dStep;
  }
}
