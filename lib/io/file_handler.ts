/**
 * A tfjs IOHandler that saves and loads a model in the tfjs layers format
 * (`model.json` + `weights.bin`) in a folder, with Deno's file APIs.
 *
 * tfjs's own `file://` handler lives in tfjs-node, which cannot be installed
 * here; this one writes the same two files, each atomically (temporary name,
 * then rename), `weights.bin` first so that a complete `model.json` always
 * points at complete weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Names of the two files a saved model consists of. */
export const MODEL_JSON = "model.json";
/** The single weights shard written next to {@link MODEL_JSON}. */
export const WEIGHTS_BIN = "weights.bin";

/**
 * Writes `bytes` to `path` atomically: a temporary file in the same folder,
 * then a rename, so that a reader never sees a half-written file.
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array | string,
): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    if (typeof bytes === "string") await Deno.writeTextFile(tmp, bytes);
    else await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Concatenates tfjs weight data (one buffer or several shards) into one. */
function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffer = Array.isArray(data)
    ? tf.io.CompositeArrayBuffer.join(data)
    : data;
  return new Uint8Array(buffer);
}

/**
 * An IOHandler for `model.save(fileHandler(dir))` and
 * `tf.loadLayersModel(fileHandler(dir))`: `dir/model.json` + `dir/weights.bin`.
 * The folder is created on save if missing.
 *
 * @see notebooks/06_fine_tuning.ipynb
 */
export function fileHandler(dir: string): tf.io.IOHandler {
  const jsonPath = `${dir}/${MODEL_JSON}`;
  const weightsPath = `${dir}/${WEIGHTS_BIN}`;
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error(
          "fileHandler: binary model topologies are not supported",
        );
      }
      await Deno.mkdir(dir, { recursive: true });
      const weights = joinWeights(artifacts.weightData);
      const manifest: tf.io.WeightsManifestConfig = [{
        paths: [WEIGHTS_BIN],
        weights: artifacts.weightSpecs ?? [],
      }];
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON[
          "modelTopology"
        ],
        weightsManifest: manifest,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
      };
      if (artifacts.trainingConfig) {
        modelJson.trainingConfig = artifacts.trainingConfig;
      }
      if (artifacts.userDefinedMetadata) {
        modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      }
      await writeFileAtomic(weightsPath, weights);
      await writeFileAtomic(jsonPath, JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts),
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      let text: string;
      try {
        text = await Deno.readTextFile(jsonPath);
      } catch (e) {
        throw new Error(
          `fileHandler: cannot read ${jsonPath}: ${(e as Error).message}`,
        );
      }
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(text);
      } catch (e) {
        throw new Error(
          `fileHandler: ${jsonPath} is not JSON: ${(e as Error).message}`,
        );
      }
      if (modelJson.modelTopology == null) {
        throw new Error(`fileHandler: ${jsonPath} has no modelTopology`);
      }
      const manifest = modelJson.weightsManifest ?? [];
      const specs: tf.io.WeightsManifestEntry[] = [];
      const shards: Uint8Array[] = [];
      for (const group of manifest) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          // Only plain names inside the folder: a manifest must not point elsewhere.
          if (p.includes("/") || p.includes("\\") || p.startsWith(".")) {
            throw new Error(`fileHandler: unexpected weights path "${p}"`);
          }
          shards.push(await Deno.readFile(`${dir}/${p}`));
        }
      }
      const total = shards.reduce((s, b) => s + b.length, 0);
      const weightData = new Uint8Array(total);
      let offset = 0;
      for (const b of shards) {
        weightData.set(b, offset);
        offset += b.length;
      }
      const expected = specs.reduce(
        (s, w) => s + w.shape.reduce((a, b) => a * b, 1) * bytesPerValue(w),
        0,
      );
      if (expected !== total) {
        throw new Error(
          `fileHandler: ${weightsPath} holds ${total} bytes, the manifest needs ${expected}`,
        );
      }
      return {
        modelTopology: modelJson.modelTopology,
        weightSpecs: specs,
        weightData: weightData.buffer,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        trainingConfig: modelJson.trainingConfig,
        userDefinedMetadata: modelJson.userDefinedMetadata,
      };
    },
  };
}

function bytesPerValue(spec: tf.io.WeightsManifestEntry): number {
  if (spec.quantization) {
    throw new Error("fileHandler: quantized weights are not supported");
  }
  return spec.dtype === "bool" ? 1 : 4;
}

/** True when `dir` holds a saved model (its `model.json` exists). */
export async function hasSavedModel(dir: string): Promise<boolean> {
  try {
    return (await Deno.stat(`${dir}/${MODEL_JSON}`)).isFile;
  } catch {
    return false;
  }
}
