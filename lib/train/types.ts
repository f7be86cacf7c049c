/**
 * What the trainer consumes and reports.
 *
 * @module
 */

/** Inputs and per-pixel labels of a training and a validation set. */
export interface TrainData {
  /** Training inputs, [n, height, width, channels] (grey: 1 channel). */
  trainX: Float32Array;
  /** Training labels, [n, height, width]: palette index per pixel. */
  trainY: Uint8Array;
  /** Validation inputs, same layout. */
  valX: Float32Array;
  /** Validation labels, same layout. */
  valY: Uint8Array;
  height: number;
  width: number;
  /** NC: number of classes per pixel. */
  numColours: number;
}

/** One line of a run's history.json. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training cross-entropy per pixel over the epoch (BatchNorm in training mode). */
  trainLoss: number;
  /** Mean validation cross-entropy per pixel (BatchNorm in inference mode). */
  valLoss: number;
  /** Share (0..1) of validation pixels whose arg-max colour is the label. */
  valAccuracy: number;
  /** Wall time of the epoch, training and validation. */
  seconds: number;
  /** Training images per second (training phase only). */
  imagesPerSecond: number;
}

/** Reported after every optimizer step. */
export interface BatchReport {
  /** 1-based epoch. */
  epoch: number;
  numEpochs: number;
  /** 1-based batch within the epoch. */
  batch: number;
  batchesPerEpoch: number;
  /** Mean cross-entropy of this batch. */
  loss: number;
  /** Training images done in this epoch. */
  images: number;
  /** Training images per epoch. */
  epochImages: number;
  /** Seconds since the epoch started. */
  epochSeconds: number;
}
