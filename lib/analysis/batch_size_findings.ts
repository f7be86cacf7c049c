/**
 * The answer to B.4 and its findings, written from a {@link BatchSizeStudy}:
 * every number from the study; whether a loss falls in order of batch size,
 * whether two batch sizes differ by more than their seeds do, and which side
 * wins at a fixed number of updates, each chosen by the result.
 *
 * @see notebooks/05_batch_size.ipynb
 * @module
 */
import type { BatchSizeGroup, BatchSizeStudy } from "./batch_size.ts";
import { referenceLine } from "./references.ts";
import { separation, type Spread } from "./seeds.ts";

const loss = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const sig3 = (x: number) => String(Number(x.toPrecision(3)));

/** "1.312" or "1.312 (1.290-1.350, 3 seeds)". */
function spreadText(s: Spread): string {
  return s.n > 1
    ? `${loss(s.mean)} (${loss(s.min)}-${loss(s.max)}, ${s.n} seeds)`
    : loss(s.mean);
}

/** "batch 10: 1.150, 25: 1.200, ..." for one measure. */
function listing(
  groups: BatchSizeGroup[],
  pick: (g: BatchSizeGroup) => Spread,
): string {
  return groups.map((g, i) =>
    `${i === 0 ? "batch " : ""}${g.batchSize}: ${spreadText(pick(g))}`
  ).join(", ");
}

/** Whether the means rise with the batch size, and the pairs that break the order. */
function order(
  groups: BatchSizeGroup[],
  pick: (g: BatchSizeGroup) => number,
): { rising: boolean; breaks: [BatchSizeGroup, BatchSizeGroup][] } {
  const breaks: [BatchSizeGroup, BatchSizeGroup][] = [];
  for (let i = 1; i < groups.length; i++) {
    if (!(pick(groups[i - 1]) < pick(groups[i]))) {
      breaks.push([groups[i - 1], groups[i]]);
    }
  }
  return { rising: breaks.length === 0, breaks };
}

/** Adjacent batch sizes that both ran several seeds, and how their final validation losses compare. */
function seededPairs(s: BatchSizeStudy) {
  const seeded = s.groups.filter((g) => g.seeds.length > 1);
  return seeded.slice(1).map((b, i) => ({
    a: seeded[i],
    b,
    sep: separation(seeded[i].final.valLoss, b.final.valLoss),
  }));
}

/** The sweep's shared settings in words, e.g. "UNet, Adam lr 0.001, 25 epochs, ...". */
export function batchSizeSetting(s: BatchSizeStudy): string {
  return `${
    s.model === "unet" ? "UNet" : s.model
  }, Adam lr ${s.learningRate}, ${s.numEpochs} epochs, ${s.trainImages} training and ${s.valImages} validation images${
    s.synthetic ? ", SYNTHETIC data, not CIFAR-10" : ""
  }`;
}

/** Fixed updates: do larger batches come out ahead? */
function updatesVerdict(s: BatchSizeStudy) {
  const reached = s.groups.filter((g) => g.atCommonUpdates.n > 0);
  const o = order(reached, (g) => -g.atCommonUpdates.mean);
  // neighbouring batch sizes whose seed ranges overlap at that many updates
  const within = reached.slice(1).flatMap((b, i) =>
    separation(reached[i].atCommonUpdates, b.atCommonUpdates) === "overlap"
      ? [`${reached[i].batchSize} and ${b.batchSize}`]
      : []
  );
  const spread = within.length
    ? ` (between ${within.join(", ")} within the seed spread)`
    : "";
  return { reached, largerAhead: reached.length > 1 && o.rising, o, spread };
}

/** The short answer to B.4, in numbers from this study. */
export function batchSizeAnswer(s: BatchSizeStudy): string {
  const g = s.groups;
  if (g.length < 2) {
    return `**One batch size only** (${g[0]?.batchSize}): nothing to compare.`;
  }
  const [lo, hi] = [g[0], g.at(-1)!];
  const trainDown = lo.final.trainLoss.mean < hi.final.trainLoss.mean;
  const valDown = lo.final.valLoss.mean < hi.final.valLoss.mean;
  const verdict = trainDown && valDown
    ? `**At a fixed number of epochs, smaller batches end lower in both training and validation loss**`
    : trainDown
    ? `**At a fixed number of epochs, smaller batches end lower in training loss, but not in validation loss**`
    : valDown
    ? `**At a fixed number of epochs, smaller batches end lower in validation loss, but not in training loss**`
    : `**At a fixed number of epochs, smaller batches do not end lower**`;
  const pairs = seededPairs(s);
  const within = pairs.filter((p) => p.sep === "overlap");
  const seeds = pairs.length === 0
    ? "no two neighbouring batch sizes ran with several seeds, so the seed spread is not measured"
    : within.length > 0
    ? `between ${
      within.map((p) => `${p.a.batchSize} and ${p.b.batchSize}`).join(", ")
    } the validation losses are within the seed spread`
    : `${
      pairs.map((p) => `${p.a.batchSize} and ${p.b.batchSize}`).join(", ")
    } are apart for every seed`;
  const u = updatesVerdict(s);
  const updates = u.reached.length < 2
    ? ""
    : u.largerAhead
    ? ` At a fixed number of updates (${s.commonUpdates}) the order reverses: larger batches end lower${u.spread}.`
    : ` At a fixed number of updates (${s.commonUpdates}) larger batches are not ahead in order${u.spread}.`;
  return `${verdict} (batch ${lo.batchSize}: ${
    loss(lo.final.trainLoss.mean)
  } / ${loss(lo.final.valLoss.mean)}; batch ${hi.batchSize}: ${
    loss(hi.final.trainLoss.mean)
  } / ${
    loss(hi.final.valLoss.mean)
  }, training / validation); ${seeds}.${updates} (${batchSizeSetting(s)}.)`;
}

/** The findings, in Markdown. */
export function batchSizeFindings(s: BatchSizeStudy): string {
  const g = s.groups;
  const lines: string[] = [];
  const tr = order(g, (x) => x.final.trainLoss.mean);
  const [lo, hi] = [g[0], g.at(-1)!];
  lines.push(
    `- **Training loss at a fixed number of epochs**: ${
      listing(g, (x) => x.final.trainLoss)
    }. ` +
      (tr.rising
        ? `It rises with every larger batch: in ${s.numEpochs} epochs batch ${lo.batchSize} makes ${
          (lo.updatesPerEpoch * s.numEpochs).toLocaleString("en")
        } updates, batch ${hi.batchSize} makes ${
          (hi.updatesPerEpoch * s.numEpochs).toLocaleString("en")
        }.`
        : `It does not rise in order of batch size (${
          tr.breaks.map(([a, b]) => `${a.batchSize} vs ${b.batchSize}`).join(
            ", ",
          )
        } break the order), although smaller batches make more updates.`),
  );
  const va = order(g, (x) => x.final.valLoss.mean);
  const pairs = seededPairs(s);
  lines.push(
    `- **Validation loss at a fixed number of epochs**: ${
      listing(g, (x) => x.final.valLoss)
    }. ` +
      (va.rising
        ? "The means rise with every larger batch. "
        : `The means do not rise in order (${
          va.breaks.map(([a, b]) => `${a.batchSize} vs ${b.batchSize}`).join(
            ", ",
          )
        }). `) +
      pairs.map((p) =>
        p.sep === "overlap"
          ? `${p.a.batchSize} against ${p.b.batchSize}: the seed ranges overlap, so their difference is within the seed spread.`
          : `${p.a.batchSize} against ${p.b.batchSize}: apart for every seed (${p.a.batchSize} is ${
            p.a.final.valLoss.max < p.b.final.valLoss.min ? "lower" : "higher"
          }).`
      ).join(" ") +
      (g.some((x) => x.seeds.length === 1)
        ? ` Batch sizes run with one seed (${
          g.filter((x) => x.seeds.length === 1).map((x) => x.batchSize).join(
            ", ",
          )
        }) have no measured spread.`
        : ""),
  );
  const early = g.filter((x) => x.bestEpoch < s.numEpochs);
  const still = g.filter((x) => x.bestEpoch === s.numEpochs);
  lines.push(
    `- **Overfitting and convergence.** ` +
      (early.length > 0
        ? early.map((x) =>
          `batch ${x.batchSize}'s mean validation loss was lowest at epoch ${x.bestEpoch} (${
            loss(x.bestValLoss)
          }) and ends at ${loss(x.final.valLoss.mean)}`
        ).join("; ") +
          `: later epochs did not lower it (a sign of overfitting, or noise on ${s.valImages} validation images). `
        : "") +
      (still.length > 0
        ? `Still at their lowest in the last epoch: batch ${
          still.map((x) => x.batchSize).join(", ")
        }` +
          (still.includes(hi) && hi.valCurve.length > 2
            ? ` (batch ${hi.batchSize}'s fell from ${
              loss(hi.valCurve[Math.floor(hi.valCurve.length / 2)].mean)
            } at epoch ${
              hi.valCurve[Math.floor(hi.valCurve.length / 2)].epoch
            } to ${loss(hi.final.valLoss.mean)}: not converged).`
            : ".")
        : "No batch size is still improving in the last epoch."),
  );
  const u = updatesVerdict(s);
  if (u.reached.length > 1) {
    lines.push(
      `- **A fixed number of updates** (${s.commonUpdates}, all that batch ${hi.batchSize} makes in ${s.numEpochs} epochs): validation loss ${
        listing(u.reached, (x) => x.atCommonUpdates)
      }${u.spread}. ` +
        (u.largerAhead
          ? "Here the order is reversed: each step of a larger batch averages the gradient over more images and makes more progress per update. Batch size trades the number of steps against the quality of each."
          : "Larger batches are not ahead in order even per update here, so their deficit at a fixed number of epochs is not only the number of steps."),
    );
  }
  lines.push(timeLine(g), picturesLine(s));
  return lines.join("\n");
}

function timeLine(g: BatchSizeGroup[]): string {
  const t = g.map((x) => x.secondsPerEpoch.mean);
  const fastest = g[t.indexOf(Math.min(...t))];
  const slowest = g[t.indexOf(Math.max(...t))];
  const ratio = sig3(
    slowest.secondsPerEpoch.mean / fastest.secondsPerEpoch.mean,
  );
  const falling = order(g, (x) => -x.secondsPerEpoch.mean).rising;
  // the timing noise measured: how much one batch size's seeds differ
  const seeded = g.filter((x) => x.secondsPerEpoch.n > 1);
  const widest = seeded.reduce<BatchSizeGroup | undefined>(
    (a, x) =>
      !a ||
        (x.secondsPerEpoch.max - x.secondsPerEpoch.min) /
              x.secondsPerEpoch.mean >
          (a.secondsPerEpoch.max - a.secondsPerEpoch.min) /
            a.secondsPerEpoch.mean
        ? x
        : a,
    undefined,
  );
  const noise = widest
    ? ` The seeds of one batch size differ by up to ${
      pct(
        (widest.secondsPerEpoch.max - widest.secondsPerEpoch.min) /
          widest.secondsPerEpoch.mean,
      )
    } (batch ${widest.batchSize}: ${sig3(widest.secondsPerEpoch.min)}-${
      sig3(widest.secondsPerEpoch.max)
    } s): runs trained side by side under a varying load, so smaller differences are timing noise.`
    : " One run per batch size gives no measure of the timing noise.";
  return `- **Time per epoch**: ${
    g.map((x, i) =>
      `${i === 0 ? "batch " : ""}${x.batchSize}: ${
        sig3(x.secondsPerEpoch.mean)
      } s`
    ).join(", ")
  }, as recorded when each run trained. ` +
    (falling
      ? `It falls with every larger batch: batch ${slowest.batchSize} takes ${ratio} times as long as batch ${fastest.batchSize}, since many small steps use the cores less well than few large ones.`
      : `It does not fall in order of batch size: the slowest is batch ${slowest.batchSize}, ${ratio} times batch ${fastest.batchSize}.`) +
    noise;
}

function picturesLine(s: BatchSizeStudy): string {
  const g = s.groups;
  const gap = (x: BatchSizeGroup) =>
    x.firstSeed.predictedNearGrey - s.trueNearGrey;
  const far = g.reduce((a, x) => Math.abs(gap(x)) > Math.abs(gap(a)) ? x : a);
  const near = g.reduce((a, x) => Math.abs(gap(x)) < Math.abs(gap(a)) ? x : a);
  const p = g.map((x) => x.firstSeed.predictedNearGrey);
  const lo = g[p.indexOf(Math.min(...p))];
  const hi = g[p.indexOf(Math.max(...p))];
  return `- **Pictures** (first seed of each, as in the grid): near-grey colours are ${
    pct(s.trueNearGrey)
  } of the true pixels and from ${
    pct(lo.firstSeed.predictedNearGrey)
  } (batch ${lo.batchSize}) to ${
    pct(hi.firstSeed.predictedNearGrey)
  } (batch ${hi.batchSize}) of the predicted ones. Furthest from the truth: batch ${far.batchSize} (${
    pct(far.firstSeed.predictedNearGrey)
  }), ` +
    (gap(far) > 0
      ? "greyer and duller than the truth"
      : "more colourful than the truth: colours painted where greys belong") +
    `; closest: batch ${near.batchSize} (${
      pct(near.firstSeed.predictedNearGrey)
    }).`;
}

/** The report's index rows of notebook 05, built from the sweep that ran. */
export function batchSizeHeadlines(
  s: BatchSizeStudy,
): { question: string; answer: string; reference?: string }[] {
  const sizes = s.groups.map((g) => g.batchSize);
  return [{
    question: `B.4 ${s.model === "unet" ? "UNet" : s.model}, batch ${
      sizes.join(", ")
    } at ${s.numEpochs} epochs: final validation loss`,
    answer: listing(s.groups, (g) => g.final.valLoss),
    ...(s.learningRate === 0.001
      ? { reference: referenceLine("batch_sizes") }
      : {}),
  }, {
    question: "B.4 Effect of the batch size at a fixed number of epochs",
    answer: batchSizeAnswer(s).replaceAll("**", ""),
  }];
}
