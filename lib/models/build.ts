/**
 * The network of a run's configuration, fresh and seeded: the one place that
 * maps a configuration to a model builder.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { RunConfig } from "../run/config.ts";
import { buildCnn } from "./cnn.ts";
import { buildDeepLab, HEAD_NAME } from "./deeplab.ts";
import { buildUNet } from "./unet.ts";

/** Input size and classes of the data a model is built for. */
export interface ModelShape {
  height: number;
  width: number;
  /** Output classes per pixel (NC palette colours, or 2 for segmentation). */
  numClasses: number;
}

/**
 * A fresh model for `config` (weights from its seed). A segmentation run
 * gets a 2-class DeepLab network; to start it from a pre-trained body, pass
 * that network as `body`: every layer but the new head is copied from it
 * (copied, not shared, so the body stays as it was). Without `body` the
 * weights stay as initialised, for a checkpoint to fill.
 */
export function buildModel(
  config: RunConfig,
  shape: ModelShape,
  body?: tf.LayersModel,
): tf.LayersModel {
  if (config.task === "segmentation") {
    const model = buildDeepLab({
      numBlocks: config.numBlocks,
      numFilters: config.numFilters,
      dilations: config.dilations,
      numClasses: 2,
      // a random body gets its own seeds, apart from the head's of the same seed
      seed: config.body === "random" ? 1_000_003 + config.seed : config.seed,
    });
    if (body) {
      for (const layer of model.layers) {
        if (layer.name === HEAD_NAME || layer.getWeights().length === 0) {
          continue;
        }
        layer.setWeights(body.getLayer(layer.name).getWeights());
      }
    }
    return model;
  }
  if (config.model === "deeplab") {
    return buildDeepLab({
      numBlocks: config.numBlocks!,
      numFilters: config.numFilters,
      dilations: config.dilations!,
      numClasses: shape.numClasses,
      seed: config.seed,
    });
  }
  const opts = {
    numFilters: config.numFilters,
    numColours: shape.numClasses,
    kernelSize: config.kernelSize,
    height: shape.height,
    width: shape.width,
    seed: config.seed,
  };
  if (config.model === "cnn") return buildCnn(opts);
  return buildUNet({ ...opts, skipInput: config.model === "unet" });
}
