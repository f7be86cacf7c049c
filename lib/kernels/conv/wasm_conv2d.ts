/**
 * Conv2D and FusedConv2D (bias, linear or ReLU) for the wasm backend: 3x3,
 * stride 1, undilated convolutions (every convolution of the CNN and UNet but
 * the first) by Winograd F(4x4, 3x3) with the project's SIMD kernel
 * (winograd_conv.as, gemm.as), 4x fewer multiplies than XNNPACK's direct
 * convolution; the first (one input channel, 'same') by a direct kernel
 * (direct_small.as, 0.68x XNNPACK's time). The 4x4 output tiles, or the
 * images, are split over the helper threads; a result never depends on
 * which thread computed it. Everything else goes to the backend's own
 * kernels (XNNPACK).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  type BackendWasm,
  getThreadsCount,
} from "@tensorflow/tfjs-backend-wasm";
import {
  type ConvAttrs,
  type ConvGeometry,
  convGeometry,
} from "./conv_geometry.ts";
import {
  type Helper,
  helpersFor,
  runChunks,
  splitRange,
} from "../plumbing/helper_threads.ts";
import {
  backendMemory,
  heapAlloc,
  heapOffset,
  kernelsFor,
  type OwnWasmExports,
} from "../plumbing/own_wasm.ts";
import {
  block4ScratchBytes,
  BLOCK_TILES4,
  type Resample,
  tileCount4,
  winograd4Args,
  winogradApplies,
} from "./winograd.ts";

/**
 * Chunks per thread of the tiles (Winograd) or images (direct kernel): a
 * descheduled thread holds up one chunk.
 */
const CHUNKS_PER_THREAD = 4;

/**
 * True when the direct kernel for one input channel (direct_small.as)
 * computes this convolution: 3x3, 'same' padding, stride 1, no dilation,
 * one input channel (the models' first convolution, of the grey image).
 */
export function directSmallApplies(g: ConvGeometry): boolean {
  return g.kH === 3 && g.kW === 3 && g.strideH === 1 && g.strideW === 1 &&
    g.dilationH === 1 && g.dilationW === 1 && g.inC === 1 &&
    g.padTop === 1 && g.padLeft === 1 && g.outH === g.inH &&
    g.outW === g.inW && g.inW >= 4 && g.outC >= 1;
}

/**
 * How `tiles` independent units of work (output tiles of the Winograd
 * kernels, images of the direct one) are cut for the helper threads: one
 * chunk when there are no helpers (or no more than one block of
 * `blockTiles`), else `chunksPerThread` per thread in whole blocks. The count
 * depends on the thread count alone, so results never depend on timing.
 */
export function tileChunks(
  backend: BackendWasm,
  tiles: number,
  chunksPerThread: number,
  blockTiles: number,
): {
  memory: WebAssembly.Memory;
  kernels: OwnWasmExports;
  helpers: Helper[];
  chunks: [number, number][];
} {
  const memory = backendMemory(backend);
  const helpers = tiles > blockTiles
    ? helpersFor(memory, getThreadsCount())
    : [];
  const chunks: [number, number][] = helpers.length === 0
    ? [[0, tiles]]
    : splitRange(tiles, chunksPerThread * (helpers.length + 1), blockTiles);
  return { memory, kernels: kernelsFor(memory), helpers, chunks };
}

/**
 * y = act(bias + conv(x, filter)) on the wasm heap by Winograd F(4x4, 3x3),
 * for a geometry where {@link winogradApplies}: a new output tensor. `xs` is
 * the input, or two inputs read as their concatenation on the channel axis
 * (g.inC is the sum of their channels). `resample` "pool": the output is
 * 2x2 max-pooled (g.outH and g.outW must be even); "upsample": x2 nearest
 * upsampled, written once at its full size.
 */
export function winogradConvWasm(
  backend: BackendWasm,
  xs: tf.TensorInfo[],
  filter: tf.TensorInfo,
  g: ConvGeometry,
  bias: tf.TensorInfo | undefined,
  relu: boolean,
  resample: Resample = "none",
): tf.TensorInfo {
  const s = resample === "pool" ? 0.5 : resample === "upsample" ? 2 : 1;
  const out = backend.makeOutput(
    [g.batch, g.outH * s, g.outW * s, g.outC],
    "float32",
  );
  const tiles = tileCount4(g);
  if (tiles === 0 || g.outC === 0) return out;
  const { memory, kernels, helpers, chunks: ranges } = tileChunks(
    backend,
    tiles,
    CHUNKS_PER_THREAD,
    BLOCK_TILES4,
  );
  // The transformed filter, a zero row, the filter transform's temporaries,
  // and one scratch per chunk (chunks run at once).
  const heap = heapAlloc(backend);
  const uBytes = 144 * g.inC * g.outC;
  const scratchBytes = block4ScratchBytes(g);
  const zeroBytes = 4 * g.inC + 288;
  const base = heap.malloc(uBytes + zeroBytes + ranges.length * scratchBytes);
  const u = base;
  const zero = base + uBytes;
  const scratch = zero + zeroBytes;
  new Float32Array(memory.buffer, zero, g.inC).fill(0);
  try {
    kernels.winograd4Filter(
      heapOffset(backend, filter.dataId),
      u,
      zero + 4 * g.inC,
      g.inC,
      g.outC,
    );
    const x1 = heapOffset(backend, xs[0].dataId);
    const ptrs = {
      x1,
      x2: xs.length > 1 ? heapOffset(backend, xs[1].dataId) : x1,
      u,
      y: heapOffset(backend, out.dataId),
      bias: bias ? heapOffset(backend, bias.dataId) : 0,
      zero,
    };
    const c1 = xs[0].shape[3];
    runChunks(
      kernels,
      helpers,
      "winograd4Conv",
      ranges.map(([t0, t1], i) =>
        winograd4Args(
          { ...ptrs, scratch: scratch + i * scratchBytes },
          c1,
          t0,
          t1,
          g,
          relu,
          resample,
        )
      ),
    );
  } finally {
    heap.free(base);
  }
  return out;
}

/**
 * y = act(bias + conv3x3(x, filter)), 'same', stride 1, by the direct kernel
 * for few input channels (direct_small.as), 2x2 max-pooled with `pool`: a
 * new output tensor (no bias: zeros). Split over the threads by images.
 */
export function convSmallWasm(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  relu: boolean,
  pool: boolean,
): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const k = filter.shape[3];
  const s = pool ? 2 : 1;
  const out = backend.makeOutput([n, h / s, w / s, k], "float32");
  if (out.shape.some((d) => d === 0)) return out;
  // Images are the units: one needs no other image's data.
  const { kernels, helpers, chunks } = tileChunks(
    backend,
    n,
    CHUNKS_PER_THREAD,
    1,
  );
  const heap = heapAlloc(backend);
  // Per chunk a zero-bordered copy of one image; then zeros for a missing bias.
  const padBytes = 4 * (h + 2) * (w + 2) * c;
  const pad = heap.malloc(padBytes * chunks.length + (bias ? 0 : 4 * k));
  const zeros = pad + padBytes * chunks.length;
  if (!bias) new Float32Array(backendMemory(backend).buffer, zeros, k).fill(0);
  try {
    const ptrs = [
      heapOffset(backend, x.dataId),
      heapOffset(backend, filter.dataId),
      bias ? heapOffset(backend, bias.dataId) : zeros,
      heapOffset(backend, out.dataId),
    ];
    runChunks(
      kernels,
      helpers,
      "convSmall",
      chunks.map(([n0, n1], i) => [
        ...ptrs,
        pad + padBytes * i,
        n0,
        n1,
        h,
        w,
        c,
        k,
        relu ? 1 : 0,
        pool ? 1 : 0,
      ]),
    );
  } finally {
    heap.free(pad);
  }
  return out;
}

type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: unknown;
};

type FusedAttrs = ConvAttrs & {
  dataFormat?: string;
  activation?: string;
};

/** The backend's own kernels, for the cases handed back to them. */
const builtins = new Map<string, tf.KernelFunc>();

/** Runs the backend's own kernel `name`. */
export function builtinKernel(name: string, args: KernelArgs): tf.TensorInfo {
  const f = builtins.get(name);
  if (!f) throw new Error(`${name} (wasm): no builtin kernel`);
  return f(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

function isNhwc(attrs: FusedAttrs): boolean {
  return attrs.dataFormat === undefined || attrs.dataFormat === "NHWC" ||
    attrs.dataFormat === "channelsLast";
}

function conv2d(args: KernelArgs): tf.TensorInfo {
  const { x, filter } = args.inputs as {
    x: tf.TensorInfo;
    filter: tf.TensorInfo;
  };
  const attrs = args.attrs as unknown as FusedAttrs;
  if (isNhwc(attrs) && x.dtype === "float32") {
    const g = convGeometry(x.shape, filter.shape, attrs);
    const backend = args.backend as BackendWasm;
    if (winogradApplies(g)) {
      return winogradConvWasm(backend, [x], filter, g, undefined, false);
    }
    if (directSmallApplies(g)) {
      return convSmallWasm(backend, x, filter, undefined, false, false);
    }
  }
  return builtinKernel("Conv2D", args);
}

function fusedConv2d(args: KernelArgs): tf.TensorInfo {
  const { x, filter, bias, preluActivationWeights } = args.inputs as {
    x: tf.TensorInfo;
    filter: tf.TensorInfo;
    bias?: tf.TensorInfo;
    preluActivationWeights?: tf.TensorInfo;
  };
  const attrs = args.attrs as unknown as FusedAttrs;
  const activation = attrs.activation ?? "linear";
  const biasOk = !bias ||
    (bias.dtype === "float32" &&
      tf.util.sizeFromShape(bias.shape) === filter.shape[3]);
  if (
    isNhwc(attrs) && x.dtype === "float32" && !preluActivationWeights &&
    (activation === "linear" || activation === "relu") && biasOk
  ) {
    const g = convGeometry(x.shape, filter.shape, attrs);
    const backend = args.backend as BackendWasm;
    const relu = activation === "relu";
    if (winogradApplies(g)) {
      return winogradConvWasm(backend, [x], filter, g, bias, relu);
    }
    if (directSmallApplies(g)) {
      return convSmallWasm(backend, x, filter, bias, relu, false);
    }
  }
  return builtinKernel("FusedConv2D", args);
}

function config(name: string, kernelFunc: unknown): tf.KernelConfig {
  const own = tf.getKernel(name, "wasm");
  if (own && own.kernelFunc !== kernelFunc) builtins.set(name, own.kernelFunc);
  return {
    kernelName: name,
    backendName: "wasm",
    // The builtin kernels need their own setup (they bind wasm functions).
    setupFunc: own?.setupFunc,
    kernelFunc: kernelFunc as tf.KernelFunc,
  };
}

/**
 * Kernel configs for Conv2D and FusedConv2D; each remembers the backend's
 * own kernel for the cases it hands back. Register after the backend's own
 * kernels, before Conv2DBackpropInput's config.
 */
export function conv2dConfigs(): tf.KernelConfig[] {
  return [config("Conv2D", conv2d), config("FusedConv2D", fusedConv2d)];
}
