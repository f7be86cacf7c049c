/**
 * The project's convolution kernels on plain arrays, in a private scratch
 * memory (tests and micro-benchmarks; the wasm backend runs the same kernels
 * on its heap, lib/kernels/conv/wasm_*.ts): the direct filter gradient
 * (same contract as filterGradJs), the Winograd filter gradient and forward
 * convolution.
 *
 * @module
 */
import type { ConvGeometry } from "../../lib/kernels/conv/conv_geometry.ts";
import {
  kernelsFor,
  type OwnWasmExports,
} from "../../lib/kernels/plumbing/own_wasm.ts";
import { filterGradArgs } from "../../lib/kernels/conv/wasm_backprop_filter.ts";
import {
  block4ScratchBytes,
  gradScratchBytes,
  tileCount4,
  winograd4Args,
  winogradApplies,
  winogradGradArgs,
} from "../../lib/kernels/conv/winograd.ts";

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

let scratch: WebAssembly.Memory | undefined;

/**
 * A private memory of at least `bytes` (grown on demand) with its kernels;
 * for computing on plain arrays (tests, other backends).
 */
function scratchKernels(
  bytes: number,
): { kernels: OwnWasmExports; f32: Float32Array } {
  scratch ??= new WebAssembly.Memory({ initial: 1 });
  const have = scratch.buffer.byteLength;
  if (have < bytes) scratch.grow(Math.ceil((bytes - have) / 65536));
  return {
    kernels: kernelsFor(scratch),
    f32: new Float32Array(scratch.buffer),
  };
}

/**
 * dW [3, 3, C, K] of x [N, H, W, C] and dy [N, OH, OW, K] by Winograd
 * F(4x4, 3x3), in a scratch memory.
 */
export function winogradFilterGradSimd(
  x: Float32Array,
  dy: Float32Array,
  g: ConvGeometry,
): Float32Array {
  if (!winogradApplies(g)) {
    throw new RangeError(
      "winogradFilterGradSimd: not a 3x3 stride-1 convolution",
    );
  }
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const uSize = 36 * g.inC * g.outC;
  const wSize = 9 * g.inC * g.outC;
  const zeros = Math.max(g.inC, g.outC);
  const xAt = 16;
  const dyAt = xAt + align(x.length);
  const uAt = dyAt + align(dy.length);
  const wAt = uAt + align(uSize);
  const zAt = wAt + align(wSize);
  const tAt = zAt + align(zeros);
  const sAt = tAt + align(72);
  const end = sAt + align(gradScratchBytes(g) / 4);
  const { kernels, f32 } = scratchKernels(end * 4);
  f32.set(x, xAt);
  f32.set(dy, dyAt);
  f32.fill(0, uAt, uAt + uSize);
  f32.fill(0, zAt, zAt + zeros);
  kernels.winograd4GradU(...winogradGradArgs(
    {
      x1: xAt * 4,
      x2: xAt * 4,
      dy: dyAt * 4,
      du: uAt * 4,
      zero: zAt * 4,
      scratch: sAt * 4,
    },
    g.inC,
    0,
    tileCount4(g),
    g,
  ));
  kernels.winograd4FilterFromGrad(uAt * 4, wAt * 4, tAt * 4, g.inC, g.outC);
  return f32.slice(wAt, wAt + wSize);
}

/**
 * y [N, OH, OW, K] = act(bias + conv(x [N, H, W, C], w [3, 3, C, K])) by
 * Winograd F(4x4, 3x3), in a scratch memory.
 */
export function winogradConvSimd(
  x: Float32Array,
  w: Float32Array,
  g: ConvGeometry,
  options: { bias?: Float32Array; relu?: boolean } = {},
): Float32Array {
  if (!winogradApplies(g)) {
    throw new RangeError("winogradConvSimd: not a 3x3 stride-1 convolution");
  }
  const ySize = g.batch * g.outH * g.outW * g.outC;
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const xAt = 16;
  const wAt = xAt + align(x.length);
  const uAt = wAt + align(w.length);
  const yAt = uAt + align(36 * g.inC * g.outC);
  const bAt = yAt + align(ySize);
  const zAt = bAt + align(g.outC);
  const tAt = zAt + align(g.inC);
  const sAt = tAt + align(72);
  const end = sAt + align(block4ScratchBytes(g) / 4);
  const { kernels, f32 } = scratchKernels(end * 4);
  f32.set(x, xAt);
  f32.set(w, wAt);
  f32.fill(0, zAt, zAt + g.inC);
  if (options.bias) f32.set(options.bias, bAt);
  kernels.winograd4Filter(wAt * 4, uAt * 4, tAt * 4, g.inC, g.outC);
  kernels.winograd4Conv(...winograd4Args(
    {
      x1: xAt * 4,
      x2: xAt * 4,
      u: uAt * 4,
      y: yAt * 4,
      bias: options.bias ? bAt * 4 : 0,
      zero: zAt * 4,
      scratch: sAt * 4,
    },
    g.inC,
    0,
    tileCount4(g),
    g,
    options.relu ?? false,
  ));
  return f32.slice(yAt, yAt + ySize);
}
