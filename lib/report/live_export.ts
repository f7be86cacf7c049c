/**
 * Exports already-loaded models for the report's live page: each in the
 * tfjs format (`live/models/<id>/model.json` + `weights.bin`, loadable with
 * `tf.loadLayersModel`), and all of them, with their palettes, input sizes
 * and a few validation images, in `live/data.js` (a classic script: a page
 * opened from `file://` cannot fetch the files). Both carry the same bytes:
 * data.js is written from the files.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import type { Palette } from "../data/types.ts";
import {
  fileHandler,
  MODEL_JSON,
  WEIGHTS_BIN,
  writeFileAtomic,
} from "../io/file_handler.ts";
import { toBase64 } from "../io/html.ts";
import {
  LIVE_DATA_GLOBAL,
  type LiveData,
  type LiveModelData,
  type LiveModelId,
} from "../browser/live_data.ts";

/** One model to export. */
export interface LiveModelInput {
  model: tf.LayersModel;
  /** One line for the page, e.g. "CNN, lr 0.001, 25 epochs: 41.3% ...". */
  description: string;
  /** The palette of a colourization model. */
  palette?: Palette;
  /**
   * The size the page scales photos to; required when the model's input
   * size is not fixed (the segmenter: the size it was trained at).
   */
  inputSize?: { height: number; width: number };
}

/** The validation images of the A.4 panel. */
export interface LiveValidationInput {
  /** [count, height, width] grey model inputs. */
  grey: Float32Array;
  /** [count, height, width] palette labels. */
  labels: Uint8Array;
  /** [count, height, width, 3] RGB on the /256 scale. */
  images: Float32Array;
  count: number;
  height: number;
  width: number;
}

/** What {@link exportLiveData} is given. */
export interface LiveExportInput {
  models: Partial<Record<LiveModelId, LiveModelInput>>;
  validation: LiveValidationInput;
  /** Lines the page shows about how the models were made. */
  facts: string[];
}

/** What {@link exportLiveData} wrote. */
export interface LiveExport {
  /** `live/data.js`. */
  dataFile: string;
  /** Folder of each model in the tfjs format. */
  modelDirs: Partial<Record<LiveModelId, string>>;
  /** Bytes of data.js and of the tfjs-format files. */
  dataBytes: number;
  modelBytes: number;
  /** The data, as the page receives it. */
  data: LiveData;
}

/** The fixed [height, width] of a model's input, if it has one. */
function fixedInputSize(
  model: tf.LayersModel,
): { height: number; width: number } | undefined {
  const [, h, w] = model.inputs[0].shape;
  return h && w ? { height: h, width: w } : undefined;
}

/** Writes one model in the tfjs format and reads it back for data.js. */
async function exportModel(
  m: LiveModelInput,
  dir: string,
): Promise<{ data: LiveModelData; bytes: number }> {
  const inputSize = m.inputSize ?? fixedInputSize(m.model);
  if (!inputSize) {
    throw new Error(
      `${m.description}: the model's input size is not fixed; give inputSize`,
    );
  }
  await m.model.save(fileHandler(dir));
  const json = await Deno.readTextFile(join(dir, MODEL_JSON));
  const weights = await Deno.readFile(join(dir, WEIGHTS_BIN));
  const modelJson = JSON.parse(json);
  return {
    data: {
      description: m.description,
      topology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((
        g: { weights: tf.io.WeightsManifestEntry[] },
      ) => g.weights),
      weights: toBase64(weights),
      inputSize,
      ...(m.palette ? { palette: Array.from(m.palette.colours) } : {}),
    },
    bytes: new TextEncoder().encode(json).length + weights.length,
  };
}

/** RGB on the /256 scale to bytes, floor(v * 256) clamped (as lib/io/images.ts). */
function rgbBytes(images: Float32Array): Uint8Array {
  return Uint8Array.from(
    images,
    (v) => Math.min(255, Math.max(0, Math.floor(v * 256))),
  );
}

/** Exports the models and data into `liveDir` (see the module doc). */
export async function exportLiveData(
  input: LiveExportInput,
  liveDir: string,
): Promise<LiveExport> {
  const models: LiveData["models"] = {};
  const modelDirs: LiveExport["modelDirs"] = {};
  let modelBytes = 0;
  for (const [id, m] of Object.entries(input.models)) {
    if (!m) continue;
    const dir = join(liveDir, "models", id);
    const { data, bytes } = await exportModel(m, dir);
    models[id as LiveModelId] = data;
    modelDirs[id as LiveModelId] = dir;
    modelBytes += bytes;
  }
  const v = input.validation;
  const data: LiveData = {
    version: 1,
    models,
    validation: {
      count: v.count,
      height: v.height,
      width: v.width,
      grey: toBase64(
        new Uint8Array(v.grey.buffer, v.grey.byteOffset, v.grey.byteLength),
      ),
      labels: toBase64(v.labels),
      rgb: toBase64(rgbBytes(v.images)),
    },
    facts: input.facts,
  };
  const text = `globalThis.${LIVE_DATA_GLOBAL} = ${JSON.stringify(data)};\n`;
  const dataFile = join(liveDir, "data.js");
  await writeFileAtomic(dataFile, new TextEncoder().encode(text));
  return {
    dataFile,
    modelDirs,
    dataBytes: new TextEncoder().encode(text).length,
    modelBytes,
    data,
  };
}
