/**
 * The command line of `deno task finetune`: parsing and checking its flags
 * (no tfjs here: the launcher imports it before any permission is granted).
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Help text of `deno task finetune`. */
export const USAGE =
  `Usage: deno task finetune [--quick] [--data DIR] [--pretrain-data PATH|synthetic]
                          [--size S] [--seeds K] [--out DIR]

Part C from a terminal, one step at a time in this process: the experiment of
notebooks/06_fine_tuning.ipynb (a DeepLab-style network pre-trained on
colourization of the CIFAR-10 horses, fine-tuned to segment horses: the last
layer or the whole network, from the pre-trained body or a random one), then
the cost of one fine-tuning step against n (blocks) and S (input size). Prints
the answers and findings the notebook shows.

  --quick          1 seed, short runs, a small pre-training and cost grid
  --data           a folder in the Weizmann horse layout (rgb/ + mask/),
                   or "synthetic" for the embedded SYNTHETIC shapes; default:
                   data/weizmann-horses/, else (--quick only) the shapes
  --pretrain-data  CIFAR-10 binary archive or folder, or "synthetic" (as for
                   deno task train); default: synthetic with --quick, else
                   $COLOURLAB_DATA, the cache in data/, or a download
  --size           S: photos resized to S x S (default 32)
  --seeds          seeds per variant (default 3; 1 with --quick)
  --out            folder for results.json and masks.png
                   (default runs/finetune)`;

/** Checked arguments. */
export interface FineTuneArgs {
  quick: boolean;
  data?: string;
  pretrainData?: string;
  size: number;
  seeds: number;
  out: string;
}

function positiveInt(
  name: string,
  v: string | undefined,
  dflt: number,
): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`--${name} must be a positive integer, not "${v}"`);
  }
  return n;
}

/**
 * Parses and checks the command line.
 */
export function parseFineTuneArgs(argv: string[]): FineTuneArgs | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      data: { type: "string" },
      "pretrain-data": { type: "string" },
      size: { type: "string" },
      seeds: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const quick = values.quick ?? false;
  const size = positiveInt("size", values.size, 32);
  if (size < 8) throw new Error(`--size must be at least 8, not ${size}`);
  return {
    quick,
    data: values.data,
    pretrainData: values["pretrain-data"] ?? (quick ? "synthetic" : undefined),
    size,
    seeds: positiveInt("seeds", values.seeds, quick ? 1 : 3),
    out: values.out ?? "runs/finetune",
  };
}
