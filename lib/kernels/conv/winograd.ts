/**
 * The 3x3, stride 1, undilated convolution by Winograd's minimal filtering
 * F(4x4, 3x3), 36 multiplies per 4x4 outputs where a direct convolution needs
 * 144: the forward pass (winograd_conv.as) and the filter gradient
 * (winograd_filter_grad.as). When they apply, their argument lists and
 * their scratch (the wasm backend runs them on its heap, see wasm_conv2d.ts
 * and wasm_winograd_filter_grad.ts; bench/kernels/plain_arrays.ts on plain
 * arrays).
 *
 * @module
 */
import type { ConvGeometry } from "./conv_geometry.ts";
import type { OwnWasmExports } from "../plumbing/own_wasm.ts";

/**
 * True when Winograd computes this convolution: 3x3, stride 1,
 * no dilation, and at least 4 input channels (below that the transforms cost
 * more than they save).
 */
export function winogradApplies(g: ConvGeometry): boolean {
  return g.kH === 3 && g.kW === 3 && g.strideH === 1 && g.strideW === 1 &&
    g.dilationH === 1 && g.dilationW === 1 && g.inC >= 4 && g.outC >= 1;
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

/** What the forward kernel does to its activated output: nothing, a 2x2 max-pool, or x2 nearest upsampling. */
export type Resample = "none" | "pool" | "upsample";

/** The kernel's code for each {@link Resample} (winograd_conv.as). */
const RESAMPLE_CODE: Record<Resample, number> = {
  none: 0,
  pool: 1,
  upsample: 2,
};

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
 * winograd_conv.as): the input is x1's first `c1` channels then x2's
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
  resample: Resample = "none",
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
    RESAMPLE_CODE[resample],
    BLOCK_TILES4,
  ];
}

/**
 * Tiles per block of the filter-gradient kernel (a block's transformed
 * inputs and output gradients take 144 * BLOCK_TILES_GRAD * (C + K) bytes).
 */
export const BLOCK_TILES_GRAD = 24;

/**
 * The filter-gradient kernel's arguments for 4x4 tiles [t0, t1) (see
 * winograd_filter_grad.as): the input is x1's first `c1` channels then x2's
 * (g.inC - c1; x2 is ignored when c1 is g.inC), dy [N, OH, OW, K],
 * du [36][C][K].
 */
export function winogradGradArgs(
  ptrs: {
    x1: number;
    x2: number;
    dy: number;
    du: number;
    zero: number;
    scratch: number;
  },
  c1: number,
  t0: number,
  t1: number,
  g: ConvGeometry,
): Parameters<OwnWasmExports["winograd4GradU"]> {
  return [
    ptrs.x1,
    ptrs.x2,
    c1,
    ptrs.dy,
    ptrs.du,
    ptrs.zero,
    ptrs.scratch,
    t0,
    t1,
    ...tileGeometry(g),
    BLOCK_TILES_GRAD,
  ];
}

/** Bytes of one filter-gradient call's scratch. */
export function gradScratchBytes(g: ConvGeometry): number {
  return 144 * BLOCK_TILES_GRAD * (g.inC + g.outC) + 1024;
}
