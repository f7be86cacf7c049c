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
import { writeFileAtomic } from "../io/file_handler.ts";
import { loadOrPretrain, type PretrainConfig } from "../finetune/pretrain.ts";
import { loadSegmentationData } from "../finetune/segmentation_data.ts";
import { compareVariants } from "../finetune/experiment.ts";
import type { FineTuneConfig } from "../finetune/fine_tune.ts";
import { predictionPicture } from "../finetune/pictures.ts";
import { type CostPoint, runCostStudy } from "../finetune/cost_study.ts";
import { fitCostSlopes, sizeRatios } from "../finetune/cost_fit.ts";
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
 * Runs the whole job; `print` receives every output line.
 *
 * @see issue 5, item 6
 */
export async function runFineTuneCli(
  args: FineTuneArgs,
  print: (line: string) => void,
): Promise<void> {
  const backend = await initTf();
  print(`backend: ${backend.name} (${backend.reason})`);
  const pretrainConfig: Partial<PretrainConfig> = args.quick
    ? { numBlocks: 4, numEpochs: 2, limitTrain: 200 }
    : {};
  const fineTuneConfig: Partial<FineTuneConfig> = args.quick
    ? { headEpochs: 15, wholeEpochs: 3 }
    : {};
  const t0 = performance.now();
  const pretrained = await loadOrPretrain({
    data: args.pretrainData,
    config: pretrainConfig,
    onStart: ({ source, images }) =>
      print(`pre-training on ${images} images: ${source.description}`),
    onEpochEnd: (e, l) =>
      print(
        `  pre-train epoch ${e + 1}: loss ${fmt(l.loss)} (${
          fmt(l.seconds, 1)
        } s)`,
      ),
  });
  print(
    `pre-trained network: ${pretrained.dir} (${
      pretrained.cached ? "cached" : "trained now"
    }; colourization pixel accuracy ${
      fmt(pretrained.valAccuracy)
    }; ${pretrained.source.description})`,
  );
  const data = await loadSegmentationData({ data: args.data, size: args.size });
  print(`segmentation data: ${data.source.description}`);

  const comparison = await compareVariants({
    pretrained: pretrained.model,
    data,
    seeds: args.seeds,
    config: fineTuneConfig,
    onResult: (r) =>
      print(
        `  ${r.variant} seed ${r.seed}: IoU ${fmt(r.scores.iou)}, thresholded ${
          fmt(r.scores.thresholdedIou)
        } (${fmt(r.seconds, 1)} s)`,
      ),
  });
  const synthetic = data.source.synthetic ? " [SYNTHETIC data]" : "";
  print("");
  print(
    `Test split (${data.test.count} images, ${args.size}x${args.size})${synthetic}`,
  );
  print(
    "variant                 | IoU mean [min, max]     | thresholded mean [min, max] | seeds",
  );
  for (const s of comparison.summaries) {
    print(
      `${s.variant.padEnd(23)} | ${fmt(s.iou.mean)} [${fmt(s.iou.min)}, ${
        fmt(s.iou.max)
      }] | ${fmt(s.thresholdedIou.mean)} [${fmt(s.thresholdedIou.min)}, ${
        fmt(s.thresholdedIou.max)
      }]     | ${s.seeds}`,
    );
  }
  for (const s of comparison.summaries) {
    print(JSON.stringify({
      kind: "iou",
      variant: s.variant,
      iou: s.iou.mean,
      thresholdedIou: s.thresholdedIou.mean,
      seeds: s.seeds,
      iouMin: s.iou.min,
      iouMax: s.iou.max,
      synthetic: data.source.synthetic,
    }));
  }
  await Deno.mkdir(args.out, { recursive: true });
  const picture = await predictionPicture(
    data.test,
    comparison.firstSeedPredictions as Record<string, Uint8Array>,
  );
  await writeFileAtomic(`${args.out}/predictions.png`, picture);
  print(`predictions (seed 0): ${args.out}/predictions.png`);

  const sizes = args.quick ? [32, 64] : [args.size, 2 * args.size];
  const blocks = args.quick ? [2, 4, 8] : [2, 4, 8, 12, 16];
  print("");
  print(
    `Cost of one optimizer step (batch 4, 32 filters; MB = 2^20 bytes; machine may be shared)`,
  );
  print(
    "  n |   S | mode | peak MB | work MB | params MB | grads MB | Adam MB | step ms",
  );
  const points: CostPoint[] = await runCostStudy({
    blocks,
    sizes,
    onPoint: (p) =>
      print(
        `${String(p.n).padStart(3)} | ${
          String(p.size).padStart(3)
        } |   ${p.mode}  | ${mb(p.peakBytes).padStart(7)} | ${
          mb(p.workBytes).padStart(7)
        } | ${mb(p.paramBytes).padStart(9)} | ${
          mb(p.gradBytes).padStart(8)
        } | ${mb(p.optimizerBytes).padStart(7)} | ${
          fmt(p.stepMs, 1).padStart(7)
        }`,
      ),
  });
  for (const p of points) {
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
  const slopes = fitCostSlopes(points);
  const ratios = sizeRatios(points);
  print("");
  print("Growth per extra block (least-squares slope over n):");
  for (const s of slopes) {
    print(
      `  mode ${s.mode}, S=${s.size}: work ${
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
    const rs = ratios.filter((r) => r.mode === mode);
    if (rs.length === 0) continue;
    const mean = (f: (r: typeof rs[number]) => number) =>
      rs.reduce((s, r) => s + f(r), 0) / rs.length;
    print(
      `  mode ${mode}: work memory x${
        fmt(mean((r) => r.workBytes), 2)
      }, parameters x${fmt(mean((r) => r.paramBytes), 2)}, step time x${
        fmt(mean((r) => r.stepMs), 2)
      }`,
    );
  }
  await writeFileAtomic(
    `${args.out}/results.json`,
    JSON.stringify(
      {
        backend,
        quick: args.quick,
        pretrain: {
          dir: pretrained.dir,
          config: pretrained.config,
          source: pretrained.source,
          valAccuracy: pretrained.valAccuracy,
          history: pretrained.history,
        },
        segmentationSource: data.source,
        size: args.size,
        variants: comparison.summaries,
        cost: points,
        slopes,
        sizeRatios: ratios,
        seconds: (performance.now() - t0) / 1000,
      },
      null,
      1,
    ),
  );
  print(`results: ${args.out}/results.json`);
}

if (import.meta.main) {
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
}
