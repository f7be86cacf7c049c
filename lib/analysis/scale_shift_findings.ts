/**
 * Notebook 03's answer, findings and headline, written from a
 * {@link ScaleShiftStudy}: every number from the study, each reason chosen
 * by the direction of the result it explains.
 *
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 * @module
 */
import type { Headline } from "../show/records.ts";
import type { TableRow } from "../show/table.ts";
import type { BnMode } from "./predict.ts";
import {
  type CellGroup,
  cells,
  changed,
  identity,
  type ModelSweep,
  range,
  type ScaleShiftStudy,
  UNCHANGED,
  unchanged,
} from "./scale_shift.ts";
import type { ScaleShiftRow } from "./scale_shift_sweep.ts";

/** A share of pixels: "0%", "<0.1%", "12.3%". */
export function pct(x: number): string {
  if (x === 0) return "0%";
  if (x < 0.001) return "<0.1%";
  return `${(100 * x).toFixed(1)}%`;
}

/** A relative change: "0", "3.1e-6", "0.42". */
function rel(x: number): string {
  if (x === 0) return "0";
  return x < 0.01 ? x.toExponential(1) : x.toFixed(2);
}

/** "12.0%-34.5%", or one value when both ends read the same. */
function pctRange(rows: ScaleShiftRow[], f = changed): string {
  const r = range(rows, f);
  return pct(r.min) === pct(r.max) ? pct(r.min) : `${pct(r.min)}-${pct(r.max)}`;
}

function relRange(rows: ScaleShiftRow[]): string {
  const r = range(rows, (x) => x.relativeChange);
  return rel(r.min) === rel(r.max) ? rel(r.min) : `${rel(r.min)}-${rel(r.max)}`;
}

const capital = (t: string) => t[0].toUpperCase() + t.slice(1);

const cell = (r: ScaleShiftRow | undefined) =>
  r ? `a = ${r.a}, b = ${r.b}` : "";

const MODE: Record<BnMode, string> = {
  training: "batch statistics",
  inference: "running statistics",
};

/** The network the answer is about: the first CNN, else the first network. */
function primary(s: ScaleShiftStudy): ModelSweep {
  return s.models.find((m) => m.model === "cnn") ?? s.models[0];
}

function accuracyDrop(m: ModelSweep, mode: BnMode): string {
  const base = identity(m, mode);
  const low = range(cells(m, mode), (r) => r.accuracy);
  if (!base || !low.minAt) return "";
  return low.min < base.accuracy
    ? `pixel accuracy falls from ${pct(base.accuracy)} untransformed to ${
      pct(low.min)
    } (${cell(low.minAt)})`
    : `pixel accuracy does not fall below the untransformed ${
      pct(base.accuracy)
    } (lowest ${pct(low.min)}, ${cell(low.minAt)})`;
}

/** The short answer to A.4, in numbers from this study. */
export function scaleShiftAnswer(s: ScaleShiftStudy): string {
  const m = primary(s);
  const pos = cells(m, "training", "positive scale");
  const posMax = range(pos, (r) => r.relativeChange);
  const posChanged = range(pos, changed);
  const first = unchanged(pos)
    ? `**With BatchNorm on batch statistics (as in training), a positive scale a with b = 0 leaves the ${m.name}'s output unchanged**: ${
      posChanged.max === 0
        ? "no pixel changes colour"
        : `at most ${pct(posChanged.max)} of pixels change colour`
    } (the logits move by at most ${rel(posMax.max)} of their size)`
    : `**Even with BatchNorm on batch statistics (as in training), a positive scale a changes the ${m.name}'s output**: up to ${
      pct(posChanged.max)
    } of pixels change colour (${cell(posChanged.maxAt)})`;
  const neg = cells(m, "training", "negative scale");
  const shift = cells(m, "training", "shift");
  const others = [
    neg.length ? `a negative a recolours ${pctRange(neg)} of pixels` : "",
    shift.length ? `a shift b ${pctRange(shift)}` : "",
  ].filter(Boolean).join(" and ");
  const run = cells(m, "inference");
  const all = run.every((r) => changed(r) > UNCHANGED);
  const second = `**With running statistics (as in validation), ${
    all ? "every" : "not every"
  } a ≠ 1 or b ≠ 0 changes it**: ${
    pctRange(run)
  } of pixels change colour, and ${accuracyDrop(m, "inference")}`;
  const rest = s.models.filter((x) => x !== m).map((x) => {
    const p = cells(x, "training", "positive scale");
    return unchanged(p)
      ? `The ${x.name} is unchanged by a positive scale on batch statistics too.`
      : `The ${x.name} changes even on batch statistics: a positive scale recolours up to ${
        pct(range(p, changed).max)
      } of its pixels (${cell(range(p, changed).maxAt)}).`;
  });
  return `${first}${others ? `; ${others}` : ""}. ${second}. ${
    rest.join(" ")
  } (${s.images} validation images as one batch; networks trained ${m.numEpochs} epochs on ${s.trainImages} images${
    s.synthetic ? ", SYNTHETIC data, not CIFAR-10" : ""
  }.)`;
}

function positiveFinding(s: ScaleShiftStudy): string {
  const parts = s.models.map((m) => {
    const pos = cells(m, "training", "positive scale");
    const r = range(pos, (x) => x.relativeChange);
    const c = range(pos, changed);
    if (unchanged(pos)) {
      const smallest = Math.min(...pos.map((x) => x.a));
      const eps = r.maxAt && r.max > 0
        ? r.maxAt.a === smallest
          ? `, most at the smallest a (${smallest}): BatchNorm divides by the square root of the variance plus ε = ${s.epsilon}, and ε weighs more once a shrinks the variance`
          : `, most at a = ${r.maxAt.a}`
        : "";
      return `the ${m.name}'s logits move by at most ${rel(r.max)}${eps}; ${
        c.max === 0
          ? "no pixel changes colour"
          : `at most ${pct(c.max)} of its pixels change colour`
      }` +
        (m.model === "unet_no_input_skip"
          ? " (without the input skip nothing bypasses the BatchNorms)"
          : "");
    }
    const why = m.model === "unet"
      ? ": its last conv also takes the raw grey input (the input skip), and nothing normalises that channel"
      : ": some path reaches its output without passing a BatchNorm";
    return `the ${m.name}'s logits move by up to ${rel(r.max)} and up to ${
      pct(c.max)
    } of its pixels change colour (${cell(c.maxAt)})${why}`;
  });
  const anyUnchanged = s.models.some((m) =>
    unchanged(cells(m, "training", "positive scale"))
  );
  return `- **Positive scale, batch statistics** ("unchanged": at most ${
    pct(UNCHANGED)
  } of pixels change colour). ${capital(parts.join("; "))}.` +
    (anyUnchanged
      ? " The first conv turns a·x into a·conv(x) plus a constant per channel, max-pooling commutes with a positive factor, and a BatchNorm that subtracts the batch's own mean and divides by its own standard deviation removes any per-channel scale and shift: every later layer sees the same values."
      : "");
}

function groupFinding(
  s: ScaleShiftStudy,
  group: CellGroup,
  title: string,
  reason: string,
  quiet: string,
): string | undefined {
  const m = primary(s);
  const rows = cells(m, "training", group);
  if (rows.length === 0) return undefined;
  const lost = accuracyDrop(m, "training");
  const c = range(rows, changed);
  const sameForAll = group === "negative scale" && rows.length > 1 &&
      c.max - c.min < 0.005
    ? ` Every negative a gives the same colours to within ${
      pct(Math.max(c.max - c.min, 0))
    } of pixels: with batch statistics only the sign of a matters, as a positive factor is normalised away.`
    : "";
  return `- **${title}, batch statistics.** The ${m.name} recolours ${
    pctRange(rows)
  } of pixels (logits move by ${relRange(rows)}): ` +
    (unchanged(rows) ? quiet : reason) + sameForAll +
    (group === "negative scale" && lost ? ` Over the whole grid ${lost}.` : "");
}

function borderFinding(s: ScaleShiftStudy): string | undefined {
  const b = s.border;
  if (!b || b.maps.length < 2) return undefined;
  const [layer, logits] = b.maps;
  const ratio = (x: number) =>
    Number.isFinite(x) ? `${x.toFixed(1)} times` : "infinitely";
  const first = layer.edgeToCentre > 2
    ? `its outermost positions change ${
      ratio(layer.edgeToCentre)
    } as much as its centre: zero padding gives border pixels fewer taps, so b·(sum of the taps) is not one constant per channel there`
    : `its outermost positions change only ${
      ratio(layer.edgeToCentre)
    } as much as its centre: the border is not where the shift acts`;
  const second = logits.edgeToCentre < layer.edgeToCentre
    ? `at the logits the ratio is ${
      logits.edgeToCentre.toFixed(1)
    }: the border's values also move the batch's mean and variance, so every position changes, and the later layers' wider receptive fields spread the change inward`
    : `at the logits the ratio is ${
      logits.edgeToCentre.toFixed(1)
    }, no more spread out than at ${layer.label}`;
  return `- **Where a shift acts** (${
    primary(s).name
  }, a = 1, b = ${b.b}, batch statistics). At the first BatchNorm's output (${layer.label}) ${first}; ${second}.`;
}

function runningFinding(s: ScaleShiftStudy): string {
  const parts = s.models.map((m) => {
    const run = cells(m, "inference");
    const still = run.filter((r) => changed(r) <= UNCHANGED);
    return `the ${m.name} recolours ${pctRange(run)} of pixels${
      still.length ? ` (unchanged at ${still.map(cell).join("; ")})` : ""
    } and its ${accuracyDrop(m, "inference")}`;
  });
  return `- **Running statistics.** ${
    capital(parts.join("; "))
  }. The running means and variances were collected on untransformed images; they do not follow a and b, so nothing undoes the transformation.`;
}

/** More than this rise in neighbouring pairs of one colour counts as "patchier". */
const PATCHIER = 0.05;

function patchFinding(s: ScaleShiftStudy): string | undefined {
  const m = primary(s);
  const base = identity(m, "inference");
  if (!base) return undefined;
  const patchier = (mode: BnMode) => {
    const own = identity(m, mode)?.sameNeighbours ?? NaN;
    const all = cells(m, mode);
    return {
      all,
      more: all.filter((r) => r.sameNeighbours - own > PATCHIER),
    };
  };
  const running = patchier("inference");
  const batch = patchier("training");
  const top = range(running.all.concat(batch.all), (r) => r.sameNeighbours);
  if (!top.maxAt) return undefined;
  const count = (p: { all: unknown[]; more: unknown[] }, mode: BnMode) =>
    `${p.more.length} of ${p.all.length} on ${MODE[mode]}`;
  const head =
    `- **"Big patches of similar colours"** (the student writeup). Untransformed, ${
      pct(base.sameNeighbours)
    } of neighbouring pixel pairs of the ${m.name} share a colour. `;
  if (running.more.length + batch.more.length === 0) {
    return head +
      `No transformation raises that by more than ${
        100 * PATCHIER
      } points (at most ${
        pct(top.max)
      }): the colours change, but they do not form bigger patches.`;
  }
  const one = top.max === 1
    ? ", every image in one colour"
    : top.max >= 0.99
    ? ", nearly one colour over the whole image"
    : "";
  const verdict = running.more.length > batch.more.length
    ? "Bigger patches come with running statistics, where nothing undoes the transformation: the claim describes a network fed inputs it was not normalised for, not what BatchNorm's normalisation does."
    : "Bigger patches come as often with batch statistics as with running ones, so BatchNorm's normalisation does not prevent them.";
  return head +
    `Transformations that raise that by more than ${100 * PATCHIER} points: ${
      count(running, "inference")
    }, ${count(batch, "training")}; the patchiest (${cell(top.maxAt)}, ${
      MODE[top.maxAt.mode]
    }) reaches ${pct(top.max)}${one}. ${verdict}`;
}

/** The findings, in Markdown: every number from this study. */
export function scaleShiftFindings(s: ScaleShiftStudy): string {
  const seeds = s.models.map((m) => `${m.name} seed ${m.seed}`).join(", ");
  return [
    positiveFinding(s),
    groupFinding(
      s,
      "negative scale",
      "Negative scale",
      "max-pooling picks the largest of a·z, which for a < 0 is a times the smallest of z: min-pooling, a different function, so BatchNorm has nothing to undo.",
      "surprisingly, even the negative scale leaves it unchanged.",
    ),
    groupFinding(
      s,
      "shift",
      "Shift",
      "with zero padding a shift is not the same constant everywhere (below).",
      "the shift is absorbed like a scale.",
    ),
    borderFinding(s),
    runningFinding(s),
    patchFinding(s),
    `- **One trained network per model** (${seeds}). Which transformations leave the output unchanged follows from the layers, whatever the weights; how many pixels change colour depends on the trained weights.`,
  ].filter((x) => x !== undefined).join("\n");
}

/**
 * Every cell of the sweep, formatted as the answer and findings quote it:
 * the table a reader checks their numbers against.
 */
export function scaleShiftRows(s: ScaleShiftStudy): TableRow[] {
  return s.models.flatMap((m) =>
    (["training", "inference"] as const).flatMap((mode) =>
      m.rows.filter((r) => r.mode === mode).map((r) => ({
        network: m.name,
        BatchNorm: MODE[mode],
        a: r.a,
        b: r.b,
        "pixels recoloured": pct(changed(r)),
        "logits move (relative)": rel(r.relativeChange),
        "pixel accuracy": pct(r.accuracy),
        "neighbour pairs of one colour": pct(r.sameNeighbours),
      }))
    )
  );
}

/** The border study's ratios as the findings quote them: "bn1 3.8x, logits 1.9x". */
export function borderRatios(s: ScaleShiftStudy): string {
  return (s.border?.maps ?? []).map((m) =>
    `${m.label} ${
      Number.isFinite(m.edgeToCentre) ? m.edgeToCentre.toFixed(1) : "∞"
    }x`
  ).join(", ");
}

/** The headline for the report's index. */
export function scaleShiftHeadline(s: ScaleShiftStudy): Headline {
  const m = primary(s);
  return {
    question:
      `A.4 What does y = a·x + b on the input do to the ${m.name}'s output (a in ${
        s.scales.join(", ")
      }; b in ${s.shifts.join(", ")})?`,
    answer: scaleShiftAnswer(s).replaceAll("**", ""),
    reference:
      "student writeup: 'big patches of similar colours' (BatchNorm values closer together)",
  };
}
