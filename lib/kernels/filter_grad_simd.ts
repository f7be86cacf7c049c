/**
 * The filter gradient of an NHWC convolution with the project's wasm SIMD
 * kernel (lib/kernels/as/filter_grad.as) on plain arrays: same contract as
 * filterGradJs (the wasm backend's kernel calls the kernel on its heap
 * directly, see wasm/conv2d_backprop_filter.ts).
 *
 * @module
 */
import type { ConvGeometry } from "./conv_geometry.ts";
import type { OwnWasmExports } from "./own_wasm.ts";
import { scratchKernels } from "./own_wasm.ts";
import { filterGradArgs } from "./wasm/conv2d_backprop_filter.ts";

/**
 * Runs the kernel on byte offsets: x [N,H,W,C], dy [N,OH,OW,K], dW
 * [kH,kW,C,K] (accumulated into: zero it first).
 */
export function runFilterGrad(
  kernels: OwnWasmExports,
  ptrs: { x: number; dy: number; dw: number },
  g: ConvGeometry,
): void {
  kernels.filterGrad(
    ...filterGradArgs(ptrs.x, ptrs.dy, ptrs.dw, 0, g.batch, g),
  );
}

/**
 * dW[kh, kw, c, k] of x [N, H, W, C] and dy [N, OH, OW, K], with the inputs
 * copied into a scratch memory.
 */
export function filterGradSimd(
  x: Float32Array,
  dy: Float32Array,
  g: ConvGeometry,
): Float32Array {
  const wSize = g.kH * g.kW * g.inC * g.outC;
  const xAt = 16; // floats; 64-byte aligned start
  const dyAt = xAt + Math.ceil(x.length / 16) * 16;
  const wAt = dyAt + Math.ceil(dy.length / 16) * 16;
  const { kernels, f32 } = scratchKernels((wAt + wSize) * 4);
  f32.set(x, xAt);
  f32.set(dy, dyAt);
  f32.fill(0, wAt, wAt + wSize);
  runFilterGrad(kernels, { x: xAt * 4, dy: dyAt * 4, dw: wAt * 4 }, g);
  return f32.slice(wAt, wAt + wSize);
}
