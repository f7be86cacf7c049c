/**
 * `deno task finetune [--quick] [--data DIR] [--pretrain-data PATH|synthetic]
 * [--size S] [--seeds K] [--out DIR]`: pre-trains (or reads from the cache)
 * the DeepLab-style network on colourization, fine-tunes it to segment
 * horses, compares the variants, and measures the cost of one step (C.4,
 * C.5). Prints a readable table and one JSON line per result.
 *
 * @module
 */
import { initTf } from "../backend.ts";
import { watchParent } from "./parent_watch.ts";
import { findWeizmann } from "../data/weizmann_source.ts";
import { CACHE_DIR } from "./cache_dir.ts";
import {
  runFineTuneStudy,
  saveStudy,
  type StudyResult,
} from "../finetune/study.ts";
import {
  type FineTuneArgs,
  parseFineTuneArgs,
  USAGE,
} from "./finetune_args.ts";

function fmt(v: number, digits = 3): string {
  return v.toFixed(digits);
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(2);
}

/**
 * The study's results as lines: the variant table, one JSON line per
 * variant (`kind: "iou"`) and per measured point (`kind: "cost"`), the cost
 * table and the fitted slopes.
 */
export function studyLines(r: StudyResult): string[] {
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  const synthetic = r.segmentationSource.synthetic ? " [SYNTHETIC data]" : "";
  print("");
  print(`Test split (${r.testImages} images, ${r.size}x${r.size})${synthetic}`);
  print(
    "variant                 | IoU mean [min, max]   | thresholded mean [min, max] | seeds",
  );
  for (const s of r.variants) {
    print(
      `${s.variant.padEnd(23)} | ${fmt(s.iou.mean)} [${fmt(s.iou.min)}, ${
        fmt(s.iou.max)
      }] | ${fmt(s.thresholdedIou.mean)} [${fmt(s.thresholdedIou.min)}, ${
        fmt(s.thresholdedIou.max)
      }]       | ${s.seeds}`,
    );
  }
  for (const s of r.variants) {
    print(JSON.stringify({
      kind: "iou",
      variant: s.variant,
      iou: s.iou.mean,
      thresholdedIou: s.thresholdedIou.mean,
      seeds: s.seeds,
      iouMin: s.iou.min,
      iouMax: s.iou.max,
      synthetic: r.segmentationSource.synthetic,
    }));
  }
  print("");
  print(
    `Cost of one optimizer step (batch ${
      r.cost[0]?.batchSize
    }, 32 filters; MB = 2^20 bytes; ` +
      `backend ${r.backend}; the machine may be shared)`,
  );
  print(
    "  n |   S | mode | peak MB | work MB | params MB | grads MB | Adam MB | step ms",
  );
  for (const p of r.cost) {
    print(
      `${String(p.n).padStart(3)} | ${
        String(p.size).padStart(3)
      } |   ${p.mode}  | ${mb(p.peakBytes).padStart(7)} | ${
        mb(p.workBytes).padStart(7)
      } | ${mb(p.paramBytes).padStart(9)} | ${mb(p.gradBytes).padStart(8)} | ${
        mb(p.optimizerBytes).padStart(7)
      } | ${fmt(p.stepMs, 1).padStart(7)}`,
    );
  }
  for (const p of r.cost) {
    print(JSON.stringify({
      kind: "cost",
      n: p.n,
      size: p.size,
      mode: p.mode,
      peakBytes: p.peakBytes,
      paramBytes: p.paramBytes,
      gradBytes: p.gradBytes,
      optimizerBytes: p.optimizerBytes,
      stepMs: p.stepMs,
      workBytes: p.workBytes,
    }));
  }
  print("");
  print("Growth per extra block (least-squares slope over n):");
  for (const s of r.slopes) {
    print(
      `  mode ${s.mode}, S=${s.size}: work memory ${
        mb(s.workBytesPerBlock.slope)
      } MB/block, ` +
        `grads+Adam ${
          mb(s.gradBytesPerBlock.slope + s.optimizerBytesPerBlock.slope)
        } MB/block, ` +
        `time ${fmt(s.msPerBlock.slope, 1)} ms/block`,
    );
  }
  print("When S doubles (ratio 2S / S, mean over n):");
  for (const mode of ["a", "b", "c"] as const) {
    const rs = r.sizeRatios.filter((x) => x.mode === mode);
    if (rs.length === 0) continue;
    const mean = (f: (x: typeof rs[number]) => number) =>
      rs.reduce((s, x) => s + f(x), 0) / rs.length;
    print(
      `  mode ${mode}: work memory x${
        fmt(mean((x) => x.workBytes), 2)
      }, parameters x${fmt(mean((x) => x.paramBytes), 2)}, step time x${
        fmt(mean((x) => x.stepMs), 2)
      }`,
    );
  }
  return lines;
}

/**
 * Runs the whole job; `print` receives every output line. Writes
 * `out/results.json` and `out/predictions.png`.
 */
export async function runFineTuneCli(
  args: FineTuneArgs,
  print: (line: string) => void,
): Promise<void> {
  const backend = await initTf();
  print(`backend: ${backend.name} (${backend.reason})`);
  const studyOptions = {
    quick: args.quick,
    // nothing given: the project's data/weizmann-horses/ when it is there
    data: args.data ?? findWeizmann(undefined, CACHE_DIR),
    pretrainData: args.pretrainData,
    size: args.size,
    seeds: args.seeds,
  };
  const result = await runFineTuneStudy(backend, {
    ...studyOptions,
    onLine: print,
  });
  for (const line of studyLines(result)) print(line);
  await saveStudy(result, args.out);
  print(
    `results: ${args.out}/results.json, predictions (seed 0): ${args.out}/predictions.png`,
  );
}

if (import.meta.main) {
  watchParent();
  let args: FineTuneArgs | "help";
  try {
    args = parseFineTuneArgs(Deno.args);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    Deno.exit(2);
  }
  if (args === "help") {
    console.log(USAGE);
  } else {
    try {
      await runFineTuneCli(args, (line) => console.log(line));
    } catch (e) {
      console.error(`error: ${(e as Error).message}`);
      Deno.exit(1);
    }
  }
  Deno.exit(0);
}
