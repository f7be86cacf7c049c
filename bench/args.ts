/**
 * Command line of `deno task bench`.
 *
 * @module
 */
import {
  HANDOUT_WORKLOAD,
  type ModelKind,
  type WorkloadOptions,
} from "./workload.ts";

/** A bad command line (empty message: just print the usage). */
export class UsageError extends Error {}

/** Parsed command line. */
export interface BenchArgs {
  /** --threads; else COLOURLAB_THREADS or the number of cores (resolveThreads). */
  threads?: number;
  /** Timed steps per model and kind (at least; rounded up to whole rounds). */
  steps: number;
  /** Untimed steps before the first round. */
  warmup: number;
  /** tfjs and PyTorch take turns this many times (fair on a shared machine). */
  rounds: number;
  models: ModelKind[];
  profile: boolean;
  torch: boolean;
  /** PyTorch inference through torch.jit.freeze + optimize_for_inference. */
  torchFreeze: boolean;
  /** tfjs inference through model.apply instead of the folded plan. */
  unfolded: boolean;
  workload: WorkloadOptions;
}

/** One-line usage. */
export const USAGE =
  "usage: deno task bench [--threads N] [--steps 20] [--warmup 3] [--rounds 4] [--models cnn,unet] [--batch-size 100] [--profile] [--no-torch] [--torch-freeze] [--unfolded]";

/** Parses the bench's arguments; throws {@link UsageError}. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = {
    steps: 20,
    warmup: 3,
    rounds: 4,
    models: ["cnn", "unet"],
    profile: false,
    torch: true,
    torchFreeze: false,
    unfolded: false,
    workload: { ...HANDOUT_WORKLOAD },
  };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new UsageError(
        `${flag} needs an integer >= ${min}, got ${v}\n${USAGE}`,
      );
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case "--threads":
        a.threads = int(flag, argv[++i], 1);
        break;
      case "--steps":
        a.steps = int(flag, argv[++i], 1);
        break;
      case "--rounds":
        a.rounds = int(flag, argv[++i], 1);
        break;
      case "--warmup":
        a.warmup = int(flag, argv[++i], 0);
        break;
      case "--batch-size":
        a.workload.batchSize = int(flag, argv[++i], 1);
        break;
      case "--models": {
        const ms = (argv[++i] ?? "").split(",");
        if (!ms.every((m) => m === "cnn" || m === "unet")) {
          throw new UsageError(
            `--models takes cnn, unet or cnn,unet\n${USAGE}`,
          );
        }
        a.models = ms as ModelKind[];
        break;
      }
      case "--profile":
        a.profile = true;
        break;
      case "--no-torch":
        a.torch = false;
        break;
      case "--torch-freeze":
        a.torchFreeze = true;
        break;
      case "--unfolded":
        a.unfolded = true;
        break;
      case "--help":
      case "-h":
        throw new UsageError("");
      default:
        throw new UsageError(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  return a;
}
