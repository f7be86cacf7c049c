/**
 * The `models` namespace: the handout's CNN and UNet, Part C's DeepLab-style
 * network, and the network of a run's configuration.
 *
 * @module
 */
export { buildModel as build } from "./build.ts";
export { buildCnn } from "./cnn.ts";
export { buildUNet } from "./unet.ts";
export { buildDeepLab } from "./deeplab.ts";
export type { ModelOptions } from "./conv_blocks.ts";
