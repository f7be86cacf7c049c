/**
 * The project's own wasm kernels (built from lib/kernels/as/*.as), one
 * instance per memory they run on: the tfjs wasm backend's heap (no copies),
 * or a private scratch memory for plain arrays.
 *
 * @module
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  KERNELS_WASM_BASE64,
  KERNELS_WASM_SHARED_BASE64,
} from "./kernels_wasm.ts";

/** The functions the AssemblyScript module exports (pointers in bytes). */
export interface OwnWasmExports {
  /** dW += filter gradient of images [n0, n1) (see ../conv/direct_filter_grad.as). */
  filterGrad(
    xPtr: number,
    dyPtr: number,
    dwPtr: number,
    n0: number,
    n1: number,
    H: number,
    W: number,
    C: number,
    OH: number,
    OW: number,
    K: number,
    kH: number,
    kW: number,
    sH: number,
    sW: number,
    dH: number,
    dW: number,
    pT: number,
    pL: number,
  ): void;
  /**
   * U [36][C][K] = Winograd F(4x4, 3x3) transform of w [3][3][C][K];
   * tmpPtr: 288 bytes.
   */
  winograd4Filter(
    wPtr: number,
    uPtr: number,
    tmpPtr: number,
    C: number,
    K: number,
  ): void;
  /**
   * y = act(b + conv3x3(concat(x1, x2), w)) for 4x4 output tiles
   * [tile0, tile1) by Winograd F(4x4, 3x3) (see ../conv/winograd_conv.as), 2x2
   * max-pooled if pool is 1; x1 has C1 of the C channels; zeroPtr: C zeros;
   * scratchPtr: 144 * blockT * (C + K) + 1024 bytes; bPtr: 0 for no bias.
   */
  winograd4Conv(
    x1Ptr: number,
    x2Ptr: number,
    C1: number,
    uPtr: number,
    yPtr: number,
    bPtr: number,
    zeroPtr: number,
    scratchPtr: number,
    tile0: number,
    tile1: number,
    H: number,
    W: number,
    C: number,
    OH: number,
    OW: number,
    K: number,
    pT: number,
    pL: number,
    relu: number,
    pool: number,
    blockT: number,
  ): void;
  /**
   * y = act(b + conv3x3(x, w)), 'same', for images [n0, n1), direct (few
   * input channels; see ../conv/direct_small.as), 2x2 max-pooled if pool is 1;
   * padPtr: (H + 2) * (W + 2) * C * 4 bytes.
   */
  convSmall(
    xPtr: number,
    wPtr: number,
    bPtr: number,
    yPtr: number,
    padPtr: number,
    n0: number,
    n1: number,
    H: number,
    W: number,
    C: number,
    K: number,
    relu: number,
    pool: number,
  ): void;
  /**
   * dU [36][C][K] += transformed filter gradient of 4x4 output tiles
   * [tile0, tile1) for the input concat(x1, x2) (x1 has C1 of the C
   * channels; see ../conv/winograd_filter_grad.as); zeroPtr: max(C, K)
   * zeros; scratchPtr: 144 * blockT * (C + K) + 1024 bytes.
   */
  winograd4GradU(
    x1Ptr: number,
    x2Ptr: number,
    C1: number,
    dyPtr: number,
    duPtr: number,
    zeroPtr: number,
    scratchPtr: number,
    tile0: number,
    tile1: number,
    H: number,
    W: number,
    C: number,
    OH: number,
    OW: number,
    K: number,
    pT: number,
    pL: number,
    blockT: number,
  ): void;
  /** dW [3][3][C][K] = G' dU G from dU [36][C][K]; tmpPtr: 288 bytes. */
  winograd4FilterFromGrad(
    duPtr: number,
    dwPtr: number,
    tmpPtr: number,
    C: number,
    K: number,
  ): void;
  /**
   * part0[j] = part0[j] + part1[j] + ... (in part order) for j in [j0, j1);
   * part i at base + i * strideB (see ../reduce/add_partials.as).
   */
  addPartials(
    base: number,
    strideB: number,
    parts: number,
    j0: number,
    j1: number,
  ): void;
  /** out[c] = scale * sum_r x[r, c] (see ../reduce/column_sums.as); tmp: 12*C bytes. */
  columnSums(
    xPtr: number,
    outPtr: number,
    tmpPtr: number,
    rows: number,
    C: number,
    scale: number,
  ): void;
  /**
   * out2[c] = scale * sum_r u'(v - m[c]) (u' = u - m[c] if centreU), and
   * out1[c] = sum_r u unless out1Ptr is 0 (see ../batch_norm/channel_ops.as); tmp: 24*C bytes.
   */
  columnCentredDots(
    uPtr: number,
    vPtr: number,
    mPtr: number,
    out1Ptr: number,
    out2Ptr: number,
    tmpPtr: number,
    rows: number,
    C: number,
    centreU: number,
    scale: number,
  ): void;
  /** out = a[c] * u + b[c] * v + d[c] per row (v skipped if vPtr is 0). */
  channelAffine(
    uPtr: number,
    vPtr: number,
    outPtr: number,
    aPtr: number,
    bPtr: number,
    dPtr: number,
    rows: number,
    C: number,
  ): void;
  /**
   * 2x2 stride-2 max-pool of y rows [0, rows), x rows xRowB bytes apart
   * (see ../resample/max_pool.as).
   */
  maxPool2x2(
    xPtr: number,
    yPtr: number,
    rows: number,
    OW: number,
    C: number,
    xRowB: number,
  ): void;
  /** dx of a 2x2 stride-2 max-pool, one pass (see ../resample/max_pool_grad.as). */
  maxPool2x2Grad(
    xPtr: number,
    yPtr: number,
    dyPtr: number,
    dxPtr: number,
    N: number,
    H: number,
    W: number,
    C: number,
  ): void;
  /** dst[r, dstC0 + i] = src[r, srcC0 + i] (see ../copy/copy_columns.as). */
  copyColumns(
    srcPtr: number,
    dstPtr: number,
    rows: number,
    srcCols: number,
    dstCols: number,
    srcC0: number,
    dstC0: number,
    width: number,
  ): void;
  /**
   * grad = (softmax - onehot) / total and per-row stats (see
   * ../loss/softmax_xent.as); returns 0, or rows - r for a bad label at row r.
   */
  softmaxXent(
    xPtr: number,
    labelPtr: number,
    gradPtr: number,
    statsPtr: number,
    rows: number,
    C: number,
    total: number,
  ): number;
  /** y = max(x, 0) over n floats (see ../relu/relu.as). */
  relu(xPtr: number, yPtr: number, n: number): void;
  /** dx = dy where x > 0, else 0 (see ../relu/relu_grad.as). */
  reluGrad(xPtr: number, dyPtr: number, dxPtr: number, n: number): void;
  /** One Adam update of n parameters (see ../optimizer/adam.as). */
  adamUpdate(
    pPtr: number,
    gPtr: number,
    mPtr: number,
    vPtr: number,
    pOut: number,
    mOut: number,
    vOut: number,
    n: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    stepSize: number,
    bc2Sqrt: number,
    eps: number,
  ): void;
  /**
   * The x2 upsampling gradient: sums of 2x2 blocks of dy into dx rows
   * [0, rows) (see ../resample/upsample2x_grad.as).
   */
  upsample2xGrad(
    dyPtr: number,
    dxPtr: number,
    rows: number,
    OW: number,
    C: number,
  ): void;
  /** Nearest x2 upsampling of NHWC data (see ../resample/upsample2x.as). */
  upsample2x(
    srcPtr: number,
    dstPtr: number,
    N: number,
    H: number,
    W: number,
    C: number,
  ): void;
}

const modules = new Map<boolean, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, OwnWasmExports>();

function compiled(shared: boolean): WebAssembly.Module {
  let m = modules.get(shared);
  if (!m) {
    const b64 = shared ? KERNELS_WASM_SHARED_BASE64 : KERNELS_WASM_BASE64;
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    m = new WebAssembly.Module(bytes);
    modules.set(shared, m);
  }
  return m;
}

/**
 * The kernels running on `memory` (instantiated once per memory; a few KB).
 */
export function kernelsFor(memory: WebAssembly.Memory): OwnWasmExports {
  let inst = instances.get(memory);
  if (!inst) {
    const shared = typeof SharedArrayBuffer !== "undefined" &&
      memory.buffer instanceof SharedArrayBuffer;
    const instance = new WebAssembly.Instance(compiled(shared), {
      env: { memory },
    });
    inst = instance.exports as unknown as OwnWasmExports;
    instances.set(memory, inst);
  }
  return inst;
}

/** The WebAssembly.Memory of a tfjs wasm backend (its Emscripten heap). */
export function backendMemory(backend: BackendWasm): WebAssembly.Memory {
  const m = backend.wasm as unknown as {
    asm?: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
  };
  const memory = m.asm?.memory ?? m.wasmMemory;
  if (!memory) throw new Error("own kernels: wasm backend memory not found");
  return memory;
}

/** Byte offset of a tensor's data on a wasm backend's heap. */
export function heapOffset(backend: BackendWasm, dataId: object): number {
  return backend.dataIdMap.get(dataId)!.memoryOffset;
}

/** malloc/free of a wasm backend's heap (Emscripten exports). */
export function heapAlloc(
  backend: BackendWasm,
): { malloc(bytes: number): number; free(ptr: number): void } {
  const w = backend.wasm as unknown as {
    _malloc(n: number): number;
    _free(p: number): void;
  };
  return { malloc: (n) => w._malloc(n), free: (p) => w._free(p) };
}
