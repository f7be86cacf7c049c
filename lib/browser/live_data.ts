/**
 * What the report hands its live page: the trained models in the tfjs
 * format (topology, weight manifest and the weight bytes as base64), their
 * palettes and input sizes, and a few validation images. The report writes
 * it as `live/data.js`, a classic script that sets
 * `globalThis[LIVE_DATA_GLOBAL]`: Chromium refuses `fetch` of `file://`
 * URLs, so nothing the page needs may be fetched.
 *
 * Also: the element ids the page's script looks for, shared by the HTML
 * the report writes (lib/report/live_page.ts) and the script (main.ts).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** The global the data script defines. */
export const LIVE_DATA_GLOBAL = "COLOURLAB_LIVE_DATA";
/** The global the bundle's wasm prelude defines: tfjs's SIMD wasm binary, base64. */
export const WASM_GLOBAL = "COLOURLAB_TFJS_WASM_SIMD";
/** Where the page exposes its state and last result for tests (see {@link LiveState}). */
export const STATE_GLOBAL = "colourlabLive";

/** Longest side of the working copy of a photo (larger ones are scaled down first). */
export const WORKING_MAX = 1024;

/** The models of the page, by role. */
export type LiveModelId = "cnn" | "unet" | "segmenter" | "pretrained";

/** One model as exported. */
export interface LiveModelData {
  /** What it is, for the page, e.g. "CNN (lr 0.001, 25 epochs): 41.3% ...". */
  description: string;
  /** tfjs `model.json`'s `modelTopology`. */
  topology: object;
  /** The weight manifest's entries, in the order of the bytes. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** The weight bytes (`weights.bin`), base64. */
  weights: string;
  /** The input size the model was trained at (the page scales photos to it). */
  inputSize: { height: number; width: number };
  /** Palette colours, RGB on the /256 scale (colourization models only). */
  palette?: number[];
}

/** Validation images for the A.4 panel: grey inputs, palette labels, colours. */
export interface LiveValidation {
  count: number;
  height: number;
  width: number;
  /** [count, height, width] grey inputs (the models' input), float32 base64. */
  grey: string;
  /** [count, height, width] palette labels of the CNN/UNet palette, base64 bytes. */
  labels: string;
  /** [count, height, width, 3] the original colours, base64 bytes. */
  rgb: string;
}

/** Everything `live/data.js` carries. */
export interface LiveData {
  /** Format version of this object. */
  version: 1;
  models: Partial<Record<LiveModelId, LiveModelData>>;
  validation: LiveValidation;
  /** Lines for the page: mode, data, when made. */
  facts: string[];
}

/** Ids of the elements the page's script drives. */
export const IDS = {
  /** The colourize and segment section (the try-it page). */
  tryIt: "colourlab-live-try",
  fileInput: "colourlab-live-file",
  dropZone: "colourlab-live-drop",
  message: "colourlab-live-message",
  status: "colourlab-live-status",
  colourizeOut: "colourlab-live-colourize",
  segmentOut: "colourlab-live-segment",
  threshold: "colourlab-live-threshold",
  thresholdValue: "colourlab-live-threshold-value",
  share: "colourlab-live-share",
  /** The A.4 section (notebook 03's page). */
  scaleShift: "colourlab-live-a4",
  scaleA: "colourlab-live-a",
  scaleB: "colourlab-live-b",
  scaleAValue: "colourlab-live-a-value",
  scaleBValue: "colourlab-live-b-value",
  statsMode: "colourlab-live-mode",
  scaleShiftOut: "colourlab-live-a4-out",
  scaleShiftMs: "colourlab-live-a4-ms",
} as const;

/** Base64 (lib/io/html.ts `toBase64`) back to bytes. */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Base64 (lib/io/html.ts `toBase64` of the bytes) back to float32 values. */
export function base64ToFloats(text: string): Float32Array {
  const bytes = base64ToBytes(text);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/** A model's result as the page exposes it. */
export interface ModelResult {
  /** Milliseconds of the forward pass (upload, run, read back). */
  ms: number;
  /** Arg-max label per pixel at the model's size. */
  labels: number[];
  /** The logits, [height, width, classes] row-major. */
  logits: number[];
}

/** The last colourization (the sample at start, then each photo). */
export interface ColourizeResult {
  /** What was coloured: "sample" or the file's name. */
  source: string;
  /** The photo as decoded, upright (EXIF orientation applied). */
  photo: { width: number; height: number };
  /** The size it was scaled down to before anything else (<= the page's limit). */
  working: { width: number; height: number };
  /** The CNN's and the UNet's input: [height, width] grey values. */
  input: number[];
  inputSize: { height: number; width: number };
  models: Partial<Record<"cnn" | "unet", ModelResult>>;
}

/** The last segmentation. */
export interface SegmentResult {
  source: string;
  /** The segmenter's input: [S, S] grey values. */
  input: number[];
  inputSize: { height: number; width: number };
  segmenter: ModelResult;
  /** The slider's threshold on P(horse). */
  threshold: number;
  /** Share of the S x S pixels with P(horse) > threshold. */
  foregroundShare: number;
}

/** One model's numbers for the current a, b and statistics. */
export interface ScaleShiftModelResult {
  relativeChange: number;
  maxChange: number;
  agreement: number;
  accuracy: number;
  /** Milliseconds of this model: its forward pass, the comparison, the picture. */
  ms: number;
  /** Of which the forward pass (on WebGPU: the time to queue it). */
  forwardMs: number;
}

/** The last A.4 update. */
export interface ScaleShiftResult {
  a: number;
  b: number;
  mode: "training" | "inference";
  /** Milliseconds from the slider's event to the pictures drawn. */
  ms: number;
  models: Partial<Record<"cnn" | "unet", ScaleShiftModelResult>>;
}

/**
 * The page's state, at `globalThis[STATE_GLOBAL]`: for tests and curious
 * readers (open the browser's console and type `colourlabLive`).
 */
export interface LiveState {
  /** True once the backend and models are up and the first picture drawn. */
  ready: boolean;
  /** A fatal error (no backend, models unreadable): the page shows it too. */
  error?: string;
  /** The last message to the reader (e.g. "not an image"). */
  message?: string;
  /** "wasm" or "webgpu", once chosen. */
  backend?: string;
  /** Why that backend (forced by ?backend=, adapter found, none found). */
  backendReason?: string;
  /** Milliseconds since the page started loading (performance.now()). */
  timings: {
    backendReady?: number;
    modelsReady?: number;
    firstPicture?: number;
  };
  /** Increases with every result, so a test can wait for the next one. */
  seq: number;
  colourize?: ColourizeResult;
  segment?: SegmentResult;
  scaleShift?: ScaleShiftResult;
}
