import assert from "node:assert/strict";
import sharp from "sharp";
import { DOMParser } from "linkedom";
import {
  barChart,
  FIGURE,
  fitLine,
  heatmap,
  lineChart,
  lossCurves,
  scatterWithFit,
} from "../../lib/plots.ts";
import { frame, wrapText } from "../../lib/plots/frame.ts";

/** Rasterising with librsvg proves the SVG is well-formed standalone XML. */
async function assertValidSvg(
  svg: string,
): Promise<{ width: number; height: number }> {
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const bytes = new TextEncoder().encode(svg);
  const meta = await sharp(bytes).metadata();
  assert.equal(meta.format, "svg");
  await sharp(bytes).png().toBuffer(); // throws on bad XML
  return { width: meta.width!, height: meta.height! };
}

/** All text content of the SVG (titles, labels, legend), joined. */
function texts(svg: string): string {
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  return [...doc.querySelectorAll("text")].map((t) => t.textContent).join(
    " | ",
  );
}

const history = (k: number) =>
  Array.from({ length: 5 }, (_, i) => ({
    trainLoss: 3 - i * 0.3 * k,
    valLoss: 3.1 - i * 0.25 * k,
    valAccuracy: 0.1 + i * 0.05 * k,
  }));

Deno.test("plots return standalone SVG with title, labels and legend", async (t) => {
  await t.step("lossCurves", async () => {
    const svg = lossCurves([
      { name: "CNN", history: history(1) },
      { name: "UNet", history: history(1.5) },
    ], { title: "CNN vs UNet" });
    const size = await assertValidSvg(svg);
    assert.equal(size.width, FIGURE.width);
    const s = texts(svg);
    for (
      const want of [
        "CNN vs UNet",
        "CNN",
        "UNet",
        "validation",
        "training",
        "epoch",
      ]
    ) {
      assert.ok(s.includes(want), `missing "${want}" in ${s}`);
    }
    assert.match(s, /loss \(nats per pixel\)/);
    // A training and a validation line per run.
    const lines = svg.match(/<path [^>]*d="M[^"]*L[^"]*"/g) ?? [];
    assert.ok(
      lines.length >= 4,
      `expected >= 4 line paths, got ${lines.length}`,
    );
  });
  await t.step("lossCurves on a log axis (a diverging run)", async () => {
    const wild = history(1).map((h, i) => ({ ...h, valLoss: 10 ** i }));
    const svg = lossCurves([{ name: "lr 0.3", history: wild }], { logY: true });
    await assertValidSvg(svg);
    assert.ok(texts(svg).includes("| 10000 |"), texts(svg));
  });
  await t.step("barChart writes values and groups series", async () => {
    const svg = barChart([
      { label: "10", value: 1.31, series: "seed 0", low: 1.29, high: 1.35 },
      { label: "10", value: 1.33, series: "seed 1" },
      { label: "100", value: 1.41, series: "seed 0" },
      { label: "100", value: 1.43, series: "seed 1" },
    ], {
      title: "Final validation loss",
      xLabel: "batch size",
      yLabel: "loss (nats)",
    });
    await assertValidSvg(svg);
    const s = texts(svg);
    for (
      const want of [
        "Final validation loss",
        "batch size",
        "loss (nats)",
        "1.31",
        "seed 1",
      ]
    ) {
      assert.ok(s.includes(want), `missing "${want}" in ${s}`);
    }
  });
  await t.step("heatmap has every cell and a ramp legend", async () => {
    const svg = heatmap([[0, 1, 2], [3, 4, 5]], {
      title: "Change",
      xLabels: ["a", "b", "c"],
      yLabels: ["r1", "r2"],
      valueLabel: "mean |change|",
      annotate: true,
    });
    await assertValidSvg(svg);
    const s = texts(svg);
    for (const want of ["Change", "mean |change|", "r2", "c", "5"]) {
      assert.ok(s.includes(want), `missing "${want}" in ${s}`);
    }
    assert.match(svg, /<linearGradient id="colourlab-ramp-\d+"/);
    const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
    const cells = [...doc.querySelectorAll('g[aria-label="cell"] rect')];
    assert.equal(cells.length, 6);
  });
  await t.step(
    "lineChart and scatterWithFit (slope in the legend)",
    async () => {
      const pts = [1, 2, 4, 8].map((x) => ({ x, y: 3 * x + 1, series: "s" }));
      await assertValidSvg(
        lineChart(pts, { title: "L", xLabel: "a", yLabel: "acc" }),
      );
      const svg = scatterWithFit(pts, {
        title: "Fit",
        xLabel: "x (units)",
        yLabel: "y (units)",
      });
      await assertValidSvg(svg);
      assert.ok(texts(svg).includes("s: slope 3"), texts(svg));
      const power = [1, 10, 100].map((x) => ({ x, y: 5 * x ** -0.5 }));
      const log = scatterWithFit(power, {
        title: "P",
        xLabel: "n",
        yLabel: "e",
        logX: true,
        logY: true,
      });
      assert.ok(texts(log).includes("slope -0.5"), texts(log));
    },
  );
});

Deno.test("fitLine() recovers a known line", () => {
  const f = fitLine([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]);
  assert.ok(Math.abs(f.slope - 2) < 1e-12);
  assert.ok(Math.abs(f.intercept - 1) < 1e-12);
});

Deno.test("a long subtitle wraps onto lines that fit the figure", () => {
  const text = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
  const lines = wrapText(text, 400);
  assert.ok(lines.length > 1);
  assert.equal(lines.join(" "), text);
  for (const l of lines) assert.ok(l.length * 0.6 * 12 <= 400, l);
  const svg = frame("<svg></svg>", { title: "t", subtitle: text }, {
    width: 400,
    height: 100,
  });
  // the frame's text starts 12 px in and keeps 12 px on the right
  assert.equal(
    (svg.match(/fill="#555"/g) ?? []).length,
    wrapText(text, 400 - 24).length,
  );
});
