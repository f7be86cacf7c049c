/**
 * Names of the project's own kernels that ops (the models' building blocks)
 * look up. Kept apart from the kernels themselves, which load the project's wasm
 * and its helper threads (node:worker_threads): an op module that only needs
 * a name then runs anywhere, the report's browser page included.
 *
 * @module
 */

/** BatchNorm training forward: {x, gamma, beta} -> [y, mean, variance]. */
export const BN_TRAIN = "ColourlabBatchNormTrain";
/** Its gradient: {dy, x, mean, variance, gamma} -> [dx, dGamma, dBeta]. */
export const BN_TRAIN_GRAD = "ColourlabBatchNormTrainGrad";
/** The 2x2 stride-2 max-pool gradient: {x, y, dy} -> dx. */
export const MAX_POOL_2X2_GRAD = "ColourlabMaxPool2x2Grad";
/** The nearest 2x upsampling gradient: {dy [N, 2H, 2W, C]} -> dx [N, H, W, C]. */
export const UPSAMPLE_2X_GRAD = "ColourlabUpsample2xGrad";
