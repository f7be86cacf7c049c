/**
 * The 3x3, stride 1, undilated convolution by Winograd's minimal filtering:
 * the forward pass by F(4x4, 3x3) (lib/kernels/as/winograd4.as, 36
 * multiplies per 4x4 outputs where a direct convolution needs 144), the
 * filter gradient by F(2x2, 3x3) (lib/kernels/as/winograd.as). When they
 * apply, their argument lists, their scratch, and plain-array versions
 * (tests, benchmarks; the wasm backend runs them on its heap, see
 * wasm/conv2d.ts and wasm/winograd_filter_grad.ts).
 *
 * @module
 */
import type { ConvGeometry } from "./conv_geometry.ts";
import type { OwnWasmExports } from "./own_wasm.ts";
import { scratchKernels } from "./own_wasm.ts";

/**
 * Tiles per block: a block's transformed inputs and products,
 * 64 * BLOCK_TILES * (C + K) bytes, stay in L2 for the models' C and K
 * (16 to 48 measured within 20% of each other on the CNN's layers; 24 best).
 */
export const BLOCK_TILES = 24;

/**
 * True when Winograd computes this convolution: 3x3, stride 1,
 * no dilation, and at least 4 input channels (below that the transforms cost
 * more than they save).
 */
export function winogradApplies(g: ConvGeometry): boolean {
  return g.kH === 3 && g.kW === 3 && g.strideH === 1 && g.strideW === 1 &&
    g.dilationH === 1 && g.dilationW === 1 && g.inC >= 4 && g.outC >= 1;
}

/** Number of 2x2 output tiles (the unit the filter gradient splits work by). */
export function tileCount(g: ConvGeometry): number {
  return g.batch * Math.ceil(g.outH / 2) * Math.ceil(g.outW / 2);
}

/** Bytes of one filter-gradient call's scratch (transformed inputs and gradients). */
export function blockScratchBytes(g: ConvGeometry): number {
  return 64 * BLOCK_TILES * (g.inC + g.outC);
}

/** The geometry both Winograd kernels take: H, W, C, OH, OW, K, pT, pL. */
function tileGeometry(
  g: ConvGeometry,
): [number, number, number, number, number, number, number, number] {
  return [
    g.inH,
    g.inW,
    g.inC,
    g.outH,
    g.outW,
    g.outC,
    g.padTop,
    g.padLeft,
  ];
}

/**
 * Tiles per block of the forward kernel, F(4x4, 3x3): a block's transformed
 * inputs and products, 144 * BLOCK_TILES4 * (C + K) bytes, stay in L2
 * (12 to 36 measured within noise of each other on the models' layers).
 */
export const BLOCK_TILES4 = 24;

/** Number of 4x4 output tiles (the unit the forward kernel splits work by). */
export function tileCount4(g: ConvGeometry): number {
  return g.batch * Math.ceil(g.outH / 4) * Math.ceil(g.outW / 4);
}

/** Bytes of one forward call's scratch (transformed inputs, products, temporaries). */
export function block4ScratchBytes(g: ConvGeometry): number {
  return 144 * BLOCK_TILES4 * (g.inC + g.outC) + 1024;
}

/**
 * The forward kernel's arguments for 4x4 tiles [t0, t1) (see
 * as/winograd4.as): the input is x1's first `c1` channels then x2's
 * (g.inC - c1); x2 is ignored when c1 is g.inC. With `pool` the output is
 * 2x2 max-pooled (g.outH and g.outW even).
 */
export function winograd4Args(
  ptrs: {
    x1: number;
    x2: number;
    u: number;
    y: number;
    bias: number;
    zero: number;
    scratch: number;
  },
  c1: number,
  t0: number,
  t1: number,
  g: ConvGeometry,
  relu: boolean,
  pool = false,
): Parameters<OwnWasmExports["winograd4Conv"]> {
  return [
    ptrs.x1,
    ptrs.x2,
    c1,
    ptrs.u,
    ptrs.y,
    ptrs.bias,
    ptrs.zero,
    ptrs.scratch,
    t0,
    t1,
    ...tileGeometry(g),
    relu ? 1 : 0,
    pool ? 1 : 0,
    BLOCK_TILES4,
  ];
}

/**
 * The filter-gradient kernel's arguments for tiles [t0, t1) (see
 * as/winograd.as): x [N, H, W, C], dy [N, OH, OW, K], du [16][C][K].
 */
export function winogradGradArgs(
  ptrs: { x: number; dy: number; du: number; zero: number; scratch: number },
  t0: number,
  t1: number,
  g: ConvGeometry,
): Parameters<OwnWasmExports["winogradGradU"]> {
  return [
    ptrs.x,
    ptrs.dy,
    ptrs.du,
    ptrs.zero,
    ptrs.scratch,
    t0,
    t1,
    ...tileGeometry(g),
    BLOCK_TILES,
  ];
}

/**
 * dW [3, 3, C, K] of x [N, H, W, C] and dy [N, OH, OW, K] by Winograd
 * F(2x2, 3x3), in a scratch memory.
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
  const uSize = 16 * g.inC * g.outC;
  const wSize = 9 * g.inC * g.outC;
  const xAt = 16;
  const dyAt = xAt + align(x.length);
  const uAt = dyAt + align(dy.length);
  const wAt = uAt + align(uSize);
  const zAt = wAt + align(wSize);
  const sAt = zAt + align(g.inC);
  const end = sAt + align(blockScratchBytes(g) / 4);
  const { kernels, f32 } = scratchKernels(end * 4);
  f32.set(x, xAt);
  f32.set(dy, dyAt);
  f32.fill(0, uAt, uAt + uSize);
  f32.fill(0, zAt, zAt + g.inC);
  kernels.winogradGradU(...winogradGradArgs(
    { x: xAt * 4, dy: dyAt * 4, du: uAt * 4, zero: zAt * 4, scratch: sAt * 4 },
    0,
    tileCount(g),
    g,
  ));
  kernels.winogradFilterFromGrad(uAt * 4, wAt * 4, g.inC, g.outC);
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
