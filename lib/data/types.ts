/**
 * Shapes of the data that flows between loaders, the palette, and trainers.
 *
 * @module
 */

/** A set of colour images, NHWC, float32 pixels already divided by 256. */
export interface ImageSet {
  /** [count, height, width, 3] RGB in [0, 1), row-major, channel-last. */
  images: Float32Array;
  /** CIFAR-10 label of each image (0..9). */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/** Where a data set came from, recorded with every result made from it. */
export interface DataSource {
  /** How it was found. */
  kind: "archive" | "folder" | "cache" | "download" | "synthetic";
  /** The file or folder read, when there is one. */
  path?: string;
  /** The URL downloaded, when it was downloaded. */
  url?: string;
  /** sha256 (hex) of the archive, or of the batch files' contents for a folder. */
  sha256: string;
  /** True for the embedded synthetic set: every result made from it must say so. */
  synthetic: boolean;
  /** One line for people, e.g. "CIFAR-10 binary archive /x/y.tar.gz". */
  description: string;
}

/** The train and validation images of one category, and their provenance. */
export interface CategoryData {
  train: ImageSet;
  val: ImageSet;
  /** CIFAR-10 category (label) selected. */
  category: number;
  /** Its class name, e.g. "horse". */
  categoryName: string;
  source: DataSource;
}

/** NC palette colours, RGB on the /256 scale. */
export interface Palette {
  /** [numColours * 3] RGB triples. */
  colours: Float32Array;
  numColours: number;
  /** How it was made, e.g. "k-means++ seed 0 over all 5,120,000 training pixels". */
  description: string;
}
