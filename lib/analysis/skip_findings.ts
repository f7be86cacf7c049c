/**
 * The answer to B.3 and its findings, written from a {@link SkipStudy}: every
 * number from the study, the wording chosen by the direction of each result
 * and by whether the seeds' ranges overlap.
 *
 * @see notebooks/04_skip_connections.ipynb
 * @module
 */
import { referenceLine } from "./references.ts";
import { separation, type Spread } from "./seeds.ts";
import {
  type SkipGroup,
  skipRoles,
  skipSetting,
  type SkipStudy,
} from "./skip_connections.ts";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const loss = (x: number) => x.toFixed(3);
/**
 * a - b in percentage points, from the values as the page shows them (so
 * that 60.2% and 56.8% differ by 3.4, whatever the next digit).
 */
const shownPoints = (a: number, b: number) =>
  Number((100 * a).toFixed(1)) - Number((100 * b).toFixed(1));
const points = (a: number, b: number) =>
  `${Math.abs(shownPoints(a, b)).toFixed(1)} points`;
/** a - b of two losses as shown (3 decimals). */
const shownLossDiff = (a: number, b: number) =>
  Number(loss(a)) - Number(loss(b));

/** "1.312 (1.290-1.350 over seeds 0, 1, 2)" or "1.575 (seed 0)". */
function spreadText(g: SkipGroup, s: Spread, f: (v: number) => string): string {
  return s.n > 1
    ? `${f(s.mean)} (${f(s.min)}-${f(s.max)} over seeds ${g.seeds.join(", ")})`
    : `${f(s.mean)} (seed ${g.seeds[0]})`;
}

function setting(s: SkipStudy): string {
  return skipSetting(s) +
    (s.synthetic ? ", SYNTHETIC data, not CIFAR-10" : "");
}

/** How two groups' final values compare over their seeds, in words. */
function seedWords(
  a: SkipGroup,
  b: SkipGroup,
  pick: (g: SkipGroup) => Spread,
  what: string,
): string {
  const [x, y] = [pick(a), pick(b)];
  const sep = separation(x, y);
  if (sep === "unknown") {
    return `one seed each, so the seed spread of the ${what} is not measured`;
  }
  const side = x.mean < y.mean ? "below" : "above";
  const one = (g: SkipGroup, s: Spread) =>
    s.n > 1 ? `every ${g.label} seed` : `the ${g.label}'s single run`;
  if (sep === "apart") {
    return `${one(a, x)} is ${side} ${one(b, y)} in ${what}`;
  }
  return `the ${what} ranges overlap: the difference is within the seed spread`;
}

/** The short answer to B.3, in numbers from this study. */
export function skipAnswer(s: SkipStudy): string {
  const { cnn, unet, ablation } = skipRoles(s);
  if (!cnn || !unet) {
    return `**Nothing to compare**: the experiment needs a CNN and a UNet run (it has ${
      s.groups.map((g) => g.label).join(", ")
    }).`;
  }
  const lossBetter = unet.final.valLoss.mean < cnn.final.valLoss.mean;
  const accBetter = unet.final.valAccuracy.mean > cnn.final.valAccuracy.mean;
  const verdict = lossBetter && accBetter
    ? "**The UNet beats the CNN on both counts**"
    : lossBetter
    ? "**The UNet reaches the lower validation loss, but not the higher accuracy**"
    : accBetter
    ? "**The UNet reaches the higher accuracy, but not the lower validation loss**"
    : "**The UNet does not beat the CNN in these runs**";
  const who = (g: SkipGroup) =>
    g.seeds.length > 1
      ? `mean of seeds ${g.seeds.join(", ")}`
      : `seed ${g.seeds[0]}`;
  const parts = [
    `${verdict}: validation loss ${loss(unet.final.valLoss.mean)} against ${
      loss(cnn.final.valLoss.mean)
    }, accuracy ${pct(unet.final.valAccuracy.mean)} against ${
      pct(cnn.final.valAccuracy.mean)
    } (UNet: ${who(unet)}; CNN: ${who(cnn)}); ${
      seedWords(unet, cnn, (g) => g.final.valLoss, "validation loss")
    }.`,
  ];
  if (ablation) {
    const sep = separation(unet.final.valLoss, ablation.final.valLoss);
    const worse = ablation.final.valLoss.mean > unet.final.valLoss.mean;
    parts.push(
      `Without the input skip the UNet ends at ${
        loss(ablation.final.valLoss.mean)
      }, ` +
        (sep === "overlap"
          ? "within the seed spread of the full UNet."
          : sep === "apart"
          ? `${worse ? "worse" : "better"} than the full UNet for every seed.`
          : `${worse ? "above" : "below"} the full UNet (one seed each).`),
    );
  }
  return `${parts.join(" ")} (${setting(s)}.)`;
}

/**
 * The findings, in Markdown: the reasons skip connections help, each with
 * its measurement from this study, and the lookup baseline.
 */
export function skipFindings(s: SkipStudy): string {
  const { cnn, unet, ablation } = skipRoles(s);
  const lines: string[] = [];
  if (cnn && unet) {
    const [u1, c1] = [unet, cnn].map((g) => g.trainCurve[0]?.mean ?? NaN);
    const early = u1 < c1;
    const late = unet.final.trainLoss.mean < cnn.final.trainLoss.mean;
    lines.push(
      `- **Shorter paths for the gradient.** Each concatenation gives an early layer a path to the loss that skips the layers after it. Training loss after epoch 1: UNet ${
        loss(u1)
      }, CNN ${loss(c1)}; after the last epoch ${
        loss(unet.final.trainLoss.mean)
      } and ${loss(cnn.final.trainLoss.mean)}. ` +
        (early && late
          ? "The UNet's training loss is lower from the first epoch on, as easier optimisation predicts (the extra inputs of its layers also carry more information, so this alone does not separate the two)."
          : early
          ? "The UNet starts lower but does not stay lower: faster early progress, not a better end point."
          : late
          ? "The UNet does not start lower, but it ends lower: the gain comes later in training, which points to the information the skips carry rather than to optimisation."
          : "The UNet's training loss is not lower: in these runs the skips do not make optimisation easier."),
    );
  }
  if (cnn && ablation) {
    const better = ablation.final.valLoss.mean < cnn.final.valLoss.mean;
    const blockier = cnn.firstSeed.colourChanges <
      ablation.firstSeed.colourChanges;
    lines.push(
      `- **Detail that pooling throws away (the two internal skips).** The CNN rebuilds its 32x32 output from 8x8 features; the UNet's layer 5 also sees layer 1's 16x16 features, and layer 4 sees layer 2's 8x8 features from before layer 3. The UNet without the input skip keeps both: validation loss ${
        spreadText(ablation, ablation.final.valLoss, loss)
      } against the CNN's ${loss(cnn.final.valLoss.mean)}, accuracy ${
        pct(ablation.final.valAccuracy.mean)
      } against ${pct(cnn.final.valAccuracy.mean)}: ` +
        (better
          ? internalShare(cnn, ablation, unet)
          : "in these runs the internal skips alone do not help. ") +
        `Colour changes between neighbouring pixels (seed ${cnn.firstSeed.seed} of each): CNN ${
          pct(cnn.firstSeed.colourChanges)
        }, without input skip ${pct(ablation.firstSeed.colourChanges)}, truth ${
          pct(s.truthColourChanges)
        }` +
        (blockier
          ? ": the CNN's colours come in larger patches, as the pictures show."
          : ": the CNN's colours are not more patchy by this measure."),
    );
  }
  if (unet && ablation) {
    const d = shownLossDiff(
      ablation.final.valLoss.mean,
      unet.final.valLoss.mean,
    );
    const sep = separation(unet.final.valLoss, ablation.final.valLoss);
    const g = unet.firstSeed.accuracy.nearGrey -
      ablation.firstSeed.accuracy.nearGrey;
    lines.push(
      `- **The grey input at full resolution (the input skip).** Only this skip brings 32x32 information to the last layer, which could then read each pixel's own brightness. Removing it moves the validation loss from ${
        spreadText(unet, unet.final.valLoss, loss)
      } to ${spreadText(ablation, ablation.final.valLoss, loss)} (${
        d >= 0 ? "+" : "-"
      }${loss(Math.abs(d))}): ` +
        (sep === "apart"
          ? (d > 0
            ? "worse for every seed, so the input skip helps beyond seed noise. "
            : "better for every seed: in these runs the input skip hurts. ")
          : sep === "overlap"
          ? "the ranges overlap, so this difference is within the seed spread and the input skip's own contribution is not measurable with these seeds. "
          : "one seed each, so this difference cannot be told from seed noise. ") +
        `On near-grey pixels (seed ${unet.firstSeed.seed}) the UNet gets ${
          pct(unet.firstSeed.accuracy.nearGrey)
        } and the UNet without input skip ${
          pct(ablation.firstSeed.accuracy.nearGrey)
        } (${g >= 0 ? "+" : "-"}${
          points(
            unet.firstSeed.accuracy.nearGrey,
            ablation.firstSeed.accuracy.nearGrey,
          )
        } with the skip).`,
    );
  }
  if (cnn && unet) {
    const extra = unet.parameters - cnn.parameters;
    lines.push(
      `- **"More trainable parameters"** (the student's reason). The concatenations widen the inputs of layers 4-6: ${
        unet.parameters.toLocaleString("en")
      } trainable weights against the CNN's ${
        cnn.parameters.toLocaleString("en")
      } (${extra >= 0 ? "+" : ""}${
        (100 * extra / cnn.parameters).toFixed(0)
      }%)` +
        (ablation
          ? `, ${
            ablation.parameters.toLocaleString("en")
          } without the input skip`
          : "") +
        ". Every extra weight reads a skipped feature, so the count and the skips cannot be separated here; a CNN widened to the same count (not trained here) would test the count alone.",
    );
  }
  if (unet) lines.push(lookupLine(s, unet, ablation));
  return lines.join("\n");
}

/** How much of the UNet's gain over the CNN the ablation (internal skips only) keeps. */
function internalShare(
  cnn: SkipGroup,
  ablation: SkipGroup,
  unet?: SkipGroup,
): string {
  const whole = unet ? cnn.final.valLoss.mean - unet.final.valLoss.mean : NaN;
  if (!(whole > 0)) return "the internal skips alone lower the loss. ";
  const part = cnn.final.valLoss.mean - ablation.final.valLoss.mean;
  return `the internal skips alone give ${
    (100 * part / whole).toFixed(0)
  }% of the full UNet's gain in validation loss. `;
}

function lookupLine(
  s: SkipStudy,
  unet: SkipGroup,
  ablation?: SkipGroup,
): string {
  const l = s.lookup;
  const u = unet.firstSeed.accuracy;
  const below = unet.final.valAccuracy.mean < l.accuracy;
  const ceBetter = unet.final.valLoss.mean < l.crossEntropy;
  const greyGap = l.byChroma.nearGrey - u.nearGrey;
  const colourGap = u.colourful - l.byChroma.colourful;
  const head =
    `- **Against the grey-level lookup.** The most likely colour for each pixel's own grey level (counted on the training pixels) gets ${
      pct(l.accuracy)
    } with cross-entropy ${loss(l.crossEntropy)}; the UNet ${
      pct(unet.final.valAccuracy.mean)
    } with ${loss(unet.final.valLoss.mean)}. `;
  const where =
    `Split by the true colour (seed ${unet.firstSeed.seed}): on near-grey pixels (chroma at most ${
      s.nearGreyChroma.toFixed(3)
    }, ${pct(u.nearGreyShare)} of the pixels) the lookup gets ${
      pct(l.byChroma.nearGrey)
    } and the UNet ${pct(u.nearGrey)}; on colourful pixels ${
      pct(l.byChroma.colourful)
    } and ${pct(u.colourful)}. `;
  const smooth = unet.firstSeed.colourChanges < l.colourChanges;
  const why = below
    ? (greyGap > 0
      ? `The lookup's lead is on the near-grey pixels, where the exact grey level picks the palette entry (${
        points(l.byChroma.nearGrey, u.nearGrey)
      })${
        colourGap > 0
          ? `; the UNet is ahead on colourful ones (${
            points(u.colourful, l.byChroma.colourful)
          })`
          : ""
      }. ` +
        (smooth
          ? `The UNet's colour maps are smoother than the lookup's (colour changes between neighbours ${
            pct(unet.firstSeed.colourChanges)
          } against ${pct(l.colourChanges)}, truth ${
            pct(s.truthColourChanges)
          }): its 3x3 convolutions over pooled features do not follow pixel-level brightness steps. `
          : "") +
        (ablation ? readsInput(unet, ablation, l.byChroma.nearGrey) : "") +
        (ceBetter
          ? "Yet it is the better predictor of colour probabilities (lower cross-entropy, the loss it is trained on): where the grey level leaves the colour open it spreads probability over the candidates, and accuracy counts only the arg-max."
          : "It is not even the better predictor of colour probabilities (higher cross-entropy): it has not learned what the grey level alone tells.")
      : `The lookup's lead is not on the near-grey pixels; ` +
        (ceBetter
          ? "the UNet is the better predictor of colour probabilities (lower cross-entropy), which is what it is trained on."
          : "the UNet is also worse in cross-entropy: it has not learned what the grey level alone tells."))
    : `The UNet beats the lookup on accuracy by ${
      points(unet.final.valAccuracy.mean, l.accuracy)
    }` +
      (ceBetter ? " and on cross-entropy." : ", though not on cross-entropy.");
  return head + where + why;
}

/** "50.2% / 1.312 (mean of seeds 0, 1, 2; ranges 49.0-51.1% / 1.290-1.350)". */
function headlineAnswer(g: SkipGroup): string {
  const a = g.final.valAccuracy;
  const l = g.final.valLoss;
  const both = `${pct(a.mean)} / ${loss(l.mean)}`;
  return a.n > 1
    ? `${both} (mean of seeds ${g.seeds.join(", ")}; ranges ${pct(a.min)}-${
      pct(a.max)
    } / ${loss(l.min)}-${loss(l.max)})`
    : `${both} (seed ${g.seeds[0]})`;
}

/** Does the UNet use the grey input its last layer sees, as the lookup does? */
function readsInput(
  unet: SkipGroup,
  ablation: SkipGroup,
  lookupNearGrey: number,
): string {
  const gain = unet.firstSeed.accuracy.nearGrey -
    ablation.firstSeed.accuracy.nearGrey;
  const shown = shownPoints(
    unet.firstSeed.accuracy.nearGrey,
    ablation.firstSeed.accuracy.nearGrey,
  ).toFixed(1);
  const lead = lookupNearGrey - unet.firstSeed.accuracy.nearGrey;
  return gain < lead / 4
    ? `The input skip adds ${
      gain >= 0 ? "only " : ""
    }${shown} points on near-grey pixels (seed ${unet.firstSeed.seed}: ${
      pct(unet.firstSeed.accuracy.nearGrey)
    } with it, ${
      pct(ablation.firstSeed.accuracy.nearGrey)
    } without): the UNet hardly uses the grey level that reaches its last layer, which is all the lookup uses. `
    : `The input skip adds ${shown} points on near-grey pixels (seed ${unet.firstSeed.seed}), part of the way to the lookup. `;
}

/** The report's index rows of notebook 04, built from the configuration used. */
export function skipHeadlines(
  s: SkipStudy,
): { question: string; answer: string; reference?: string }[] {
  const { cnn, unet } = skipRoles(s);
  const out: { question: string; answer: string; reference?: string }[] = [];
  if (unet) {
    const c = unet.config;
    out.push({
      question:
        `B.3 UNet (lr ${c.learningRate}, batch ${c.batchSize}, ${c.numEpochs} epochs, seeds ${
          unet.seeds.join(", ")
        }): final validation accuracy and loss`,
      answer: headlineAnswer(unet),
      // the references ran the handout's settings
      ...(c.learningRate === 0.001 && c.batchSize === 100
        ? { reference: referenceLine("unet") }
        : {}),
    });
  }
  if (cnn && unet) {
    out.push({
      question: "B.3 UNet vs CNN, and the input skip",
      answer: skipAnswer(s).replaceAll("**", ""),
      ...(cnn.config.learningRate === 0.001 && cnn.config.batchSize === 100
        ? { reference: `CNN: ${referenceLine("cnn_lr0.001")}` }
        : {}),
    });
  }
  return out;
}
