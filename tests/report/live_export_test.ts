import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  base64ToBytes,
  base64ToFloats,
  LIVE_DATA_GLOBAL,
  type LiveData,
} from "../../lib/browser/live_data.ts";
import { buildCnn } from "../../lib/models/cnn.ts";
import { buildDeepLab } from "../../lib/models/deeplab.ts";
import { fileHandler } from "../../lib/io/file_handler.ts";
import { exportLiveData } from "../../lib/report/live_export.ts";

const palette = {
  colours: Float32Array.from({ length: 12 }, (_, i) => i / 16),
  numColours: 4,
  description: "test",
};
const validation = {
  grey: Float32Array.from([0.25, 0.5, 0.75, 1 / 3]),
  labels: Uint8Array.from([0, 1, 2, 3]),
  images: Float32Array.from({ length: 12 }, (_, i) => i / 12),
  count: 1,
  height: 2,
  width: 2,
};

Deno.test("exportLiveData(): tfjs-format files and data.js carry the same model", async () => {
  const dir = await Deno.makeTempDir();
  const cnn = buildCnn({
    numFilters: 4,
    numColours: 4,
    height: 8,
    width: 8,
    seed: 5,
  });
  const seg = buildDeepLab({
    numBlocks: 1,
    numClasses: 2,
    numFilters: 4,
    seed: 1,
  });
  try {
    const out = await exportLiveData({
      models: {
        cnn: { model: cnn, description: "cnn", palette },
        segmenter: {
          model: seg,
          description: "seg",
          inputSize: { height: 8, width: 8 },
        },
      },
      validation,
      facts: ["f"],
    }, dir);
    const text = await Deno.readTextFile(join(dir, "data.js"));
    const prefix = `globalThis.${LIVE_DATA_GLOBAL} = `;
    assert.ok(text.startsWith(prefix));
    const data = JSON.parse(
      text.slice(prefix.length).trim().replace(/;$/, ""),
    ) as LiveData;
    assert.deepEqual(data, out.data);
    assert.equal(out.dataBytes, new TextEncoder().encode(text).length);
    assert.deepEqual(data.models.cnn!.inputSize, { height: 8, width: 8 });
    assert.deepEqual(data.models.cnn!.palette, Array.from(palette.colours));
    assert.equal(data.models.segmenter!.palette, undefined);
    // the same bytes as weights.bin, and the same answers as the original
    const bin = await Deno.readFile(join(dir, "models", "cnn", "weights.bin"));
    assert.deepEqual(base64ToBytes(data.models.cnn!.weights), bin);
    const fromData = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: data.models.cnn!.topology,
      weightSpecs: data.models.cnn!.weightSpecs,
      weightData: base64ToBytes(data.models.cnn!.weights).buffer as ArrayBuffer,
    }));
    const fromFiles = await tf.loadLayersModel(
      fileHandler(join(dir, "models", "cnn")),
    );
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, "float32", 7);
    const want = await (cnn.predict(x) as tf.Tensor).data();
    assert.deepEqual(await (fromData.predict(x) as tf.Tensor).data(), want);
    assert.deepEqual(await (fromFiles.predict(x) as tf.Tensor).data(), want);
    x.dispose();
    fromData.dispose();
    fromFiles.dispose();
    // validation: grey floats, labels and colour bytes
    assert.deepEqual(base64ToFloats(data.validation.grey), validation.grey);
    assert.deepEqual(base64ToBytes(data.validation.labels), validation.labels);
    assert.deepEqual(
      [...base64ToBytes(data.validation.rgb)],
      Array.from(validation.images, (v) => Math.floor(v * 256)),
    );
  } finally {
    cnn.dispose();
    seg.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exportLiveData(): a model of open input size needs inputSize", async () => {
  const dir = await Deno.makeTempDir();
  const seg = buildDeepLab({
    numBlocks: 1,
    numClasses: 2,
    numFilters: 4,
    seed: 1,
  });
  try {
    await assert.rejects(
      exportLiveData({
        models: { segmenter: { model: seg, description: "seg" } },
        validation,
        facts: [],
      }, dir),
      /seg: the model's input size is not fixed; give inputSize/,
    );
  } finally {
    seg.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
