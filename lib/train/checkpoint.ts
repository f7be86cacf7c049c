/**
 * Training checkpoints: model weights (BatchNorm running statistics
 * included), Adam's state, the history so far and the run's config, in one
 * file written atomically (temporary name, then rename), so that a run killed
 * at any moment leaves either the previous checkpoint or the new one.
 *
 * Layout: the magic line `colourlab-checkpoint-v1\n`, a little-endian uint32
 * header length, a JSON header, zero padding to a multiple of 4, then every
 * tensor's float32 data in header order.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { writeFileAtomic } from "../io/file_handler.ts";
import type { AdamState } from "./adam.ts";
import type { EpochRecord } from "./types.ts";

/** File name of the checkpoint inside a run folder. */
export const CHECKPOINT_FILE = "checkpoint.bin";
const MAGIC = "colourlab-checkpoint-v1\n";

/** A named float32 tensor as stored in a checkpoint. */
export interface StoredTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** What a checkpoint holds. */
export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  history: EpochRecord[];
  /** The run's config (model and training options), checked on resume. */
  config: Record<string, unknown>;
  /** Every model weight, trainable or not, in `model.weights` order. */
  weights: StoredTensor[];
  /** Adam's step count and moments. */
  optimizer: AdamState;
}

interface Header {
  epoch: number;
  history: EpochRecord[];
  config: Record<string, unknown>;
  optimizerStep: number;
  tensors: {
    group: "weight" | "m" | "v";
    name: string;
    shape: number[];
    length: number;
  }[];
}

/**
 * Writes a checkpoint atomically.
 */
export async function writeCheckpoint(
  path: string,
  ckpt: Checkpoint,
): Promise<void> {
  const tensors: Header["tensors"] = [];
  const blobs: Float32Array[] = [];
  const add = (
    group: "weight" | "m" | "v",
    name: string,
    shape: number[],
    data: Float32Array,
  ) => {
    tensors.push({ group, name, shape, length: data.length });
    blobs.push(data);
  };
  for (const w of ckpt.weights) add("weight", w.name, w.shape, w.data);
  ckpt.optimizer.m.forEach((d, i) => add("m", `m${i}`, [d.length], d));
  ckpt.optimizer.v.forEach((d, i) => add("v", `v${i}`, [d.length], d));
  const header: Header = {
    epoch: ckpt.epoch,
    history: ckpt.history,
    config: ckpt.config,
    optimizerStep: ckpt.optimizer.step,
    tensors,
  };
  const magic = new TextEncoder().encode(MAGIC);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = magic.length + 4 + json.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const total = dataStart + blobs.reduce((s, b) => s + b.length * 4, 0);
  const bytes = new Uint8Array(total);
  bytes.set(magic, 0);
  new DataView(bytes.buffer).setUint32(magic.length, json.length, true);
  bytes.set(json, magic.length + 4);
  let offset = dataStart;
  for (const b of blobs) {
    bytes.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), offset);
    offset += b.byteLength;
  }
  await writeFileAtomic(path, bytes);
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint}; a clear error names
 * the file when it is not one.
 */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  const bytes = await Deno.readFile(path);
  const magic = new TextEncoder().encode(MAGIC);
  const bad = (why: string) =>
    new Error(`${path} is not a colourlab checkpoint: ${why}`);
  if (
    bytes.length < magic.length + 4 ||
    new TextDecoder().decode(bytes.subarray(0, magic.length)) !== MAGIC
  ) {
    throw bad("wrong magic line");
  }
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(
    magic.length,
    true,
  );
  const headerEnd = magic.length + 4 + jsonLength;
  if (headerEnd > bytes.length) throw bad("truncated header");
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(magic.length + 4, headerEnd)),
  ) as Header;
  let offset = Math.ceil(headerEnd / 4) * 4;
  const weights: StoredTensor[] = [];
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  for (const t of header.tensors) {
    const end = offset + t.length * 4;
    if (end > bytes.length) throw bad(`truncated data for ${t.name}`);
    // Copy: the file's buffer offset need not be 4-aligned for a Float32Array view.
    const data = new Float32Array(bytes.slice(offset, end).buffer);
    offset = end;
    if (t.group === "weight") {
      weights.push({ name: t.name, shape: t.shape, data });
    } else (t.group === "m" ? m : v).push(data);
  }
  if (offset !== bytes.length) throw bad("trailing bytes");
  return {
    epoch: header.epoch,
    history: header.history,
    config: header.config,
    weights,
    optimizer: { step: header.optimizerStep, m, v },
  };
}

/** Copies every weight of `model` (trainable or not), in `model.weights` order. */
export async function modelWeights(
  model: tf.LayersModel,
): Promise<StoredTensor[]> {
  return await Promise.all(
    model.weights.map(async (w) => {
      const t = w.read();
      return {
        name: w.originalName,
        shape: t.shape.slice(),
        data: (await t.data()) as Float32Array,
      };
    }),
  );
}

/** Writes stored weights back into `model`, checking names and shapes. */
export function setModelWeights(
  model: tf.LayersModel,
  weights: StoredTensor[],
  source: string,
): void {
  if (weights.length !== model.weights.length) {
    throw new Error(
      `${source} has ${weights.length} weights, the model ${model.weights.length}`,
    );
  }
  model.weights.forEach((w, i) => {
    const s = weights[i];
    if (s.name !== w.originalName || s.shape.join() !== w.shape.join()) {
      throw new Error(
        `${source}: weight ${i} is ${s.name} [${s.shape}], the model's is ${w.originalName} [${w.shape}]`,
      );
    }
  });
  const tensors = weights.map((s) => tf.tensor(s.data, s.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}
