/**
 * Part C's answer, findings, table and headline, written from a
 * {@link FineTuningStudy}: every number from the study, the wording chosen
 * by the direction of each comparison (and by whether the seeds' ranges
 * overlap).
 *
 * @see notebooks/06_fine_tuning.ipynb
 * @module
 */
import type { Headline } from "../show/records.ts";
import type { FineTuningStudy, VariantScores } from "./fine_tuning.ts";
import { referenceLine, REFERENCES } from "./references.ts";

const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** "0.448 (0.431-0.462)" over seeds, "0.448" for one value. */
function score(s: { mean: number; min: number; max: number }): string {
  return s.min === s.max
    ? f3(s.mean)
    : `${f3(s.mean)} (${f3(s.min)}-${f3(s.max)})`;
}

function find(
  s: FineTuningStudy,
  body: "pre-trained" | "random",
  train: "head" | "all",
): VariantScores | undefined {
  return s.variants.find((v) => v.body === body && v.train === train);
}

/** How a differs from b in mean IoU, and whether their seed ranges overlap. */
interface Contrast {
  diff: number;
  /** Both measured over >= 2 seeds and their ranges do not overlap. */
  separated: boolean;
  /** Both measured over >= 2 seeds. */
  seeded: boolean;
}

function contrast(a: VariantScores, b: VariantScores): Contrast {
  const seeded = a.perSeed.length > 1 && b.perSeed.length > 1;
  return {
    // from the values as shown, so that the difference is theirs to the digit
    diff: Number(f3(a.iou.mean)) - Number(f3(b.iou.mean)),
    seeded,
    separated: seeded && (a.iou.min > b.iou.max || b.iou.min > a.iou.max),
  };
}

/** "beyond the seeds' ranges" and the like. */
function spread(c: Contrast): string {
  if (!c.seeded) return "one seed each, no spread measured";
  return `${c.separated ? "beyond" : "within"} the seeds' ranges`;
}

/** "0.056, beyond the seeds' ranges" and the like. */
function margin(c: Contrast): string {
  return `${f3(Math.abs(c.diff))}, ${spread(c)}`;
}

/** What pre-training does to a score, in words, from a pre-trained vs random contrast. */
function helps(c: Contrast): string {
  const by = f3(Math.abs(c.diff));
  if (c.seeded && !c.separated) {
    return `pre-training makes no difference beyond the seeds' spread (${
      c.diff >= 0 ? "+" : "-"
    }${by})`;
  }
  return c.diff > 0
    ? `pre-training helps (by ${by}, ${spread(c)})`
    : `pre-training does not help (the random start ends ${by} higher, ${
      spread(c)
    })`;
}

function dataWords(s: FineTuningStudy, seeds = ""): string {
  const n = `${seeds ? `${seeds} ` : ""}${s.seeds} seed${
    s.seeds === 1 ? "" : "s"
  }`;
  return `${s.photos.testImages} test photos (${s.photos.size}x${s.photos.size}, ${n}${
    s.photos.synthetic ? ", SYNTHETIC shapes, not the Weizmann horses" : ""
  })`;
}

/** The short answer to Part C, in numbers from this study. */
export function fineTuningAnswer(s: FineTuningStudy): string {
  const hp = find(s, "pre-trained", "head");
  if (!hp) return "No run fine-tunes the last layer of the pre-trained body.";
  const hr = find(s, "random", "head");
  const c = hr ? contrast(hp, hr) : undefined;
  const verdict = hp.iou.mean <= s.allHorse.iou.mean
    ? "**No: the last layer alone does no better than calling every pixel horse.**"
    : !c || c.diff <= 0
    ? "**The last layer alone beats calling every pixel horse, but the pre-trained body does no better than a random one.**"
    : !c.seeded
    ? `**The last layer alone beats calling every pixel horse, and a random body by ${
      f3(c.diff)
    } (one seed: whether that is more than seed noise is not measured).**`
    : c.separated
    ? "**Yes: the last layer alone segments horses, and the pre-trained body beats a random one.**"
    : "**Only weakly: the last layer alone beats calling every pixel horse, and a random body by less than the seeds' spread.**";
  const wp = find(s, "pre-trained", "all");
  const wr = find(s, "random", "all");
  const whole = wp && wr
    ? `; whole network ${f3(wp.iou.mean)} from the pre-trained body and ${
      f3(wr.iou.mean)
    } from a random one, so ${helps(contrast(wp, wr))}`
    : "";
  return `${verdict} Foreground IoU on ${
    dataWords(s, s.seeds > 1 ? "mean of" : "")
  }: last layer ${f3(hp.iou.mean)} on the pre-trained body${
    hr ? `, ${f3(hr.iou.mean)} on a random one` : ""
  }, "all horse" ${f3(s.allHorse.iou.mean)}${whole}.` +
    ` Thresholded IoU score (the original's metric): ${
      f3(hp.thresholded.mean)
    } for the last layer (the original: ${originalRange()}, another network and data).`;
}

/** The original's range of the thresholded score, from the references file. */
function originalRange(): string {
  const published = REFERENCES.segmentation.published ?? "";
  return /^[\d.]+-[\d.]+/.exec(published)?.[0] ?? published;
}

/** Which variants beat "all horse", in words. */
function aboveHorse(s: FineTuningStudy): string {
  const above = s.variants.filter((v) => v.iou.mean > s.allHorse.iou.mean);
  if (above.length === s.variants.length) return "Every variant is above it.";
  if (above.length === 0) return "No variant is above it.";
  const below = s.variants.filter((v) => !above.includes(v));
  return `Above it: ${above.map((v) => v.name).join("; ")}; not above it: ${
    below.map((v) => v.name).join("; ")
  }.`;
}

/** Test images whose IoU is above 0.5 (the only ones the thresholded score counts). */
function aboveHalf(v: VariantScores): number {
  return v.perImage.filter((x) => x > 0.5).length;
}

/**
 * The findings, in Markdown: every number from this study, the reasoning
 * chosen by the direction of each comparison.
 */
export function fineTuningFindings(s: FineTuningStudy): string {
  const lines: string[] = [];
  const hp = find(s, "pre-trained", "head");
  const hr = find(s, "random", "head");
  const wp = find(s, "pre-trained", "all");
  const wr = find(s, "random", "all");
  if (hp && hr) {
    const c = contrast(hp, hr);
    lines.push(
      `- **What the last layer finds in the features.** A 1x1 layer weighs the body's features pixel by pixel, so its score measures how much of "horse or background" the frozen features already carry: ${
        score(hp.iou)
      } on the pre-trained body, ${score(hr.iou)} on a random one. ` +
        (c.diff > 0
          ? `The pre-trained features are better by ${margin(c)}.`
          : `The random body's features are as good or better (by ${
            margin(c)
          }): colourization taught the body nothing a linear layer can use for horses.`),
    );
  }
  if (wp && wr) {
    const w = contrast(wp, wr);
    const whole =
      `- **The control: the whole network trained.** From the pre-trained body ${
        score(wp.iou)
      }, from a random initialisation ${score(wr.iou)}: `;
    lines.push(
      whole +
        (w.diff > 0
          ? `${helps(w)}.`
          : `${
            helps(w)
          }; what the whole network reaches, it learns from the ${s.photos.trainImages} horse photos themselves.`) +
        (hp
          ? ` Against the last layer alone (${
            f3(hp.iou.mean)
          }), training every weight ${
            wp.iou.mean > hp.iou.mean ? "gains" : "loses"
          } ${f3(Math.abs(contrast(wp, hp).diff))}.`
          : ""),
    );
  }
  lines.push(
    `- **The trivial answers.** The horse covers ${
      pct(s.photos.horseShare)
    } of a test photo on average, so "all horse" already scores IoU ${
      f3(s.allHorse.iou.mean)
    } and "all background" ${
      f3(s.allBackground.iou.mean)
    }: a method is worth something only above "all horse". ` +
      aboveHorse(s),
  );
  if (hp) {
    const k = aboveHalf(hp);
    const vs = (x: number) =>
      x < lowOriginal() ? "below" : x > highOriginal() ? "above" : "within";
    const best = s.variants.reduce((a, b) =>
      b.thresholded.mean > a.thresholded.mean ? b : a
    );
    lines.push(
      `- **Two metrics.** The original's score is per image clamp(ceil(20 (IoU - 0.5)), 0, 10) / 10: 0 for any image at or below IoU 0.5. The last layer on the pre-trained body has ${k} of ${s.photos.testImages} test images above 0.5 (first seed), so its thresholded score is ${
        f3(hp.thresholded.mean)
      } while its plain IoU is ${f3(hp.iou.mean)}; "all horse" scores ${
        f3(s.allHorse.thresholded.mean)
      } on it. ` +
        `That is ${
          vs(hp.thresholded.mean)
        } the original's ${originalRange()}, which came from a DeepLabV3-ResNet101 pre-trained on COCO and fine-tuned on flowers at 224x224: only the metric is alike.` +
        (best !== hp
          ? ` The best here on this metric, "${best.name}", scores ${
            f3(best.thresholded.mean)
          }, ${vs(best.thresholded.mean)} that range.`
          : ""),
    );
  }
  const p = s.pretrain;
  const c = hp && hr ? contrast(hp, hr) : undefined;
  lines.push(
    `- **What the pre-training learned.** ${p.numEpochs} epoch${
      p.numEpochs === 1 ? "" : "s"
    } of colourization on ${p.trainImages} ${
      p.synthetic ? "SYNTHETIC scenes" : "CIFAR-10 horses"
    }: pixel accuracy ${pct(p.valAccuracy)}, ${
      p.valAccuracy > p.lookupAccuracy ? "above" : "below"
    } the accuracy of notebook 01's lookup from each pixel's grey level (pixel accuracy mostly rewards exact brightness; notebook 01 measures why). ` +
      (!c
        ? "What the features are worth for horses is what a last layer on them scores."
        : c.diff > 0
        ? `What matters here is what a last layer finds in its features: ${
          f3(hp!.iou.mean)
        } against ${f3(hr!.iou.mean)} on random ones.`
        : `A last layer finds no more in its features than in random ones (${
          f3(hp!.iou.mean)
        } against ${f3(hr!.iou.mean)}).`),
  );
  return lines.join("\n");
}

function bounds(): number[] {
  return originalRange().split("-").map(Number);
}

function lowOriginal(): number {
  return bounds()[0];
}

function highOriginal(): number {
  return bounds()[1] ?? bounds()[0];
}

/** The table: each variant and constant answer, both metrics over seeds. */
export function fineTuningRows(s: FineTuningStudy): {
  variant: string;
  epochs: number | null;
  seeds: number;
  "IoU mean": number;
  "IoU range": string;
  "thresholded mean": number;
  "thresholded range": string;
  "test images with IoU > 0.5 (first seed)": number;
}[] {
  return [...s.variants, s.allHorse, s.allBackground].map((v) => ({
    variant: v.name,
    epochs: v.numEpochs,
    seeds: v.perSeed.length,
    "IoU mean": Number(f3(v.iou.mean)),
    "IoU range": `${f3(v.iou.min)}-${f3(v.iou.max)}`,
    "thresholded mean": Number(f3(v.thresholded.mean)),
    "thresholded range": `${f3(v.thresholded.min)}-${f3(v.thresholded.max)}`,
    "test images with IoU > 0.5 (first seed)": aboveHalf(v),
  }));
}

/** The report index's row for Part C: the original's metric first, each metric named. */
export function fineTuningHeadline(s: FineTuningStudy): Headline {
  const hp = find(s, "pre-trained", "head");
  const others = [
    find(s, "random", "head"),
    find(s, "pre-trained", "all"),
    find(s, "random", "all"),
    s.allHorse,
  ].filter((v): v is VariantScores => v !== undefined);
  return {
    question:
      `C: fine-tune only the last layer of a network pre-trained on colourization; ${
        dataWords(s)
      }`,
    answer: hp
      ? `thresholded IoU score (the original's metric): ${
        score(hp.thresholded)
      }; foreground IoU: ${score(hp.iou)}; foreground IoU of the controls: ${
        others.map((v) => `${v.name} ${f3(v.iou.mean)}`).join("; ")
      }`
      : "no last-layer run",
    reference: referenceLine("segmentation"),
  };
}
