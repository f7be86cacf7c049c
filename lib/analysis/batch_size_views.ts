/**
 * A {@link BatchSizeStudy} as the figures and the table of notebook 05 take
 * it: dot panels (final losses, seconds per epoch), curves over seeds, the
 * validation loss against the number of updates, and one row per batch size.
 * Batch sizes keep one colour each across the figures (an ordered scale).
 *
 * @see notebooks/05_batch_size.ipynb
 * @module
 */
import { orderedColours, zoomFrom } from "../plots/bands.ts";
import { type BatchSizeStudy, lossByUpdates } from "./batch_size.ts";
import { averageCurve, type Spread } from "./seeds.ts";

/** One colour per batch size, small (dark) to large (light). */
export function batchSizeColours(s: BatchSizeStudy): string[] {
  return orderedColours(s.groups.length);
}

const last = (h: { trainLoss: number; valLoss: number }[]) => h.at(-1)!;

/** Dot panels: the final training and validation loss, one value per seed. */
export function batchSizeDots(s: BatchSizeStudy): {
  title: string;
  axisLabel: string;
  decimals: number;
  rows: { label: string; values: number[]; colour: string }[];
}[] {
  const colours = batchSizeColours(s);
  const rows = (pick: (e: { trainLoss: number; valLoss: number }) => number) =>
    s.groups.map((g, i) => ({
      label: String(g.batchSize),
      values: g.histories.map((h) => pick(last(h))),
      colour: colours[i],
    }));
  return [
    {
      title: `training loss after epoch ${s.numEpochs}`,
      axisLabel: "cross-entropy (nats per pixel)",
      decimals: 3,
      rows: rows((e) => e.trainLoss),
    },
    {
      title: `validation loss after epoch ${s.numEpochs}`,
      axisLabel: "cross-entropy (nats per pixel)",
      decimals: 3,
      rows: rows((e) => e.valLoss),
    },
  ];
}

/** One dot panel: each run's mean seconds per epoch, as recorded when it trained. */
export function batchSizeTimeDots(s: BatchSizeStudy): {
  title: string;
  axisLabel: string;
  rows: { label: string; values: number[]; colour: string }[];
  digits: number;
  unit: string;
}[] {
  const colours = batchSizeColours(s);
  return [{
    title:
      "seconds per epoch, mean over a run's epochs (training and validation)",
    axisLabel: "seconds per epoch",
    digits: 3,
    unit: " s",
    rows: s.groups.map((g, i) => ({
      label: String(g.batchSize),
      values: g.histories.map((h) =>
        h.reduce((a, e) => a + e.seconds, 0) / h.length
      ),
      colour: colours[i],
    })),
  }];
}

/** Each batch size's curves over its seeds, for lib/plots/bands.ts. */
export function batchSizeCurves(s: BatchSizeStudy) {
  const colours = batchSizeColours(s);
  return s.groups.map((g, i) => ({
    name: g.label,
    seeds: g.seeds.length,
    train: g.trainCurve,
    val: g.valCurve,
    colour: colours[i],
  }));
}

/**
 * The mean validation loss after each epoch against the updates made so
 * far, per batch size, with the axes for lib/plots/xy.ts `lineChart`: log x,
 * y zoomed as the epoch curves are (lib/plots/bands.ts `zoomFrom`), a
 * dashed line at the study's common number of updates.
 */
export function batchSizeUpdates(s: BatchSizeStudy): {
  points: { x: number; y: number; series: string }[];
  axes: {
    xLabel: string;
    yLabel: string;
    logX: true;
    colours: string[];
    yDomain: [number, number];
    xRule: number;
  };
} {
  const from = zoomFrom(s.numEpochs);
  const curves = s.groups.map((g) => {
    const mean = averageCurve(g.histories.map((h) => h.map((e) => e.valLoss)));
    return lossByUpdates(
      mean.map((valLoss) => ({ valLoss })),
      g.updatesPerEpoch,
    )
      .map((p, i) => ({ ...p, series: g.label, epoch: i + 1 }));
  });
  const shown = curves.flat().filter((p) => p.epoch >= from).map((p) => p.y);
  const lo = Math.min(...shown);
  const hi = Math.max(...shown);
  const pad = hi > lo ? 0.05 * (hi - lo) : 0.01;
  return {
    points: curves.flat().map(({ x, y, series }) => ({ x, y, series })),
    axes: {
      xLabel: "optimizer updates (log scale)",
      yLabel: "validation cross-entropy",
      logX: true,
      colours: batchSizeColours(s),
      yDomain: [lo - pad, hi + pad],
      xRule: s.commonUpdates,
    },
  };
}

const range = (x: Spread, digits: number) =>
  x.n > 1
    ? `${x.mean.toFixed(digits)} (${x.min.toFixed(digits)}-${
      x.max.toFixed(digits)
    })`
    : x.n === 1
    ? x.mean.toFixed(digits)
    : "-";

/** One row per batch size: mean (range over seeds) where several seeds ran. */
export function batchSizeRows(
  s: BatchSizeStudy,
): Record<string, string | number>[] {
  const nearGrey = `near-grey pixels (chroma <= ${
    s.nearGreyChroma.toFixed(3)
  }), first seed`;
  const rows: Record<string, string | number>[] = s.groups.map((g) => ({
    "batch size": g.batchSize,
    "seed(s)": g.seeds.join(", "),
    "updates / epoch": g.updatesPerEpoch,
    "final train loss": range(g.final.trainLoss, 3),
    "final val loss": range(g.final.valLoss, 3),
    "final val accuracy (%)": range(
      {
        ...g.final.valAccuracy,
        mean: 100 * g.final.valAccuracy.mean,
        min: 100 * g.final.valAccuracy.min,
        max: 100 * g.final.valAccuracy.max,
      },
      1,
    ),
    "lowest mean val loss (epoch)": `${
      g.bestValLoss.toFixed(3)
    } (${g.bestEpoch})`,
    [`val loss after ${s.commonUpdates} updates`]: range(g.atCommonUpdates, 3),
    "s / epoch": Number(g.secondsPerEpoch.mean.toPrecision(3)),
    [nearGrey]: `${(100 * g.firstSeed.predictedNearGrey).toFixed(1)}%`,
  }));
  rows.push({
    "batch size": "palette truth",
    [nearGrey]: `${(100 * s.trueNearGrey).toFixed(1)}%`,
  });
  return rows;
}
