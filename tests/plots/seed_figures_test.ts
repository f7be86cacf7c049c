import assert from "node:assert/strict";
import sharp from "sharp";
import { DOMParser } from "linkedom";
import { FIGURE } from "../../lib/plots/figure.ts";
import { dotPlot, zoomedDomain } from "../../lib/plots/dots.ts";
import {
  orderedColours,
  trainValCurves,
  zoomFrom,
} from "../../lib/plots/bands.ts";
import { lineChart } from "../../lib/plots/xy.ts";

/** Rasterising with librsvg proves the SVG is well-formed standalone XML. */
async function size(svg: string) {
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const bytes = new TextEncoder().encode(svg);
  await sharp(bytes).png().toBuffer();
  const meta = await sharp(bytes).metadata();
  return { width: meta.width!, height: meta.height! };
}

function texts(svg: string): string {
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  return [...doc.querySelectorAll("text")].map((t) => t.textContent).join(
    " | ",
  );
}

const curve = (start: number, end: number, n = 25) =>
  Array.from({ length: n }, (_, i) => {
    const v = start + (end - start) * Math.sqrt(i / (n - 1));
    return { epoch: i + 1, mean: v, min: v - 0.02, max: v + 0.02 };
  });

Deno.test("dot plot: panels side by side, means written, a zoomed axis", async () => {
  const svg = dotPlot([
    {
      title: "validation loss",
      axisLabel: "cross-entropy",
      decimals: 3,
      rows: [
        { label: "CNN", values: [1.575] },
        { label: "UNet", values: [1.298, 1.312, 1.351] },
      ],
    },
    {
      title: "validation accuracy",
      axisLabel: "% of pixels",
      decimals: 1,
      unit: "%",
      rows: [
        { label: "CNN", values: [41.8] },
        { label: "UNet", values: [49, 50.9, 51.2] },
      ],
    },
  ], { title: "Final epoch", height: 200 });
  const { width } = await size(svg);
  assert.equal(width, FIGURE.width);
  const t = texts(svg);
  for (
    const want of [
      "Final epoch",
      "validation loss",
      "validation accuracy",
      "1.575",
      "1.320", // the UNet's mean, as the text writes it
      "50.4%",
      "range over seeds",
    ]
  ) assert.ok(t.includes(want), `missing ${want} in ${t}`);
  // not from 0: the domain hugs the data
  const [lo, hi] = zoomedDomain([1.298, 1.575]);
  assert.ok(lo > 1.2 && lo < 1.298 && hi > 1.575 && hi < 1.7);
  // one seed everywhere: no seed legend
  const single = dotPlot([{
    title: "t",
    axisLabel: "s",
    rows: [{ label: "10", values: [16.24] }],
  }], { title: "Time", categories: "x", categoryLabel: "batch size" });
  assert.ok(!texts(single).includes("range over seeds"));
  assert.ok(texts(single).includes("16.2"));
});

Deno.test("train and validation panels: bands, zoom from a late epoch", async () => {
  assert.equal(zoomFrom(2), 1);
  assert.equal(zoomFrom(25), 6);
  const colours = orderedColours(3);
  assert.equal(new Set(colours).size, 3);
  assert.ok(colours.every((c) => /^#[0-9a-f]{6}$/.test(c)), colours.join());
  const svg = trainValCurves([
    { name: "batch 10", seeds: 1, train: curve(2, 1.1), val: curve(2.1, 1.25) },
    {
      name: "batch 100",
      seeds: 3,
      train: curve(2.2, 1.3),
      val: curve(2.3, 1.37),
      colour: colours[1],
    },
  ], { title: "Loss per epoch" });
  await size(svg);
  const t = texts(svg);
  assert.ok(t.includes("training loss, y axis zoomed to epochs 6-25"), t);
  assert.ok(t.includes("batch 100 (3 seeds)"));
  assert.ok(t.includes("band: range over seeds"));
  assert.ok(svg.includes("fill-opacity"), "a band is drawn");
});

Deno.test("lineChart: given colours, a zoomed y range, a dashed rule", async () => {
  const svg = lineChart([
    { x: 10, y: 2, series: "a" },
    { x: 100, y: 1.5, series: "a" },
    { x: 20, y: 1.8, series: "b" },
  ], {
    title: "Against updates",
    xLabel: "updates",
    yLabel: "loss",
    logX: true,
    colours: ["#123456", "#654321"],
    yDomain: [1.4, 1.9],
    xRule: 50,
  });
  await size(svg);
  assert.ok(svg.includes("#123456") && svg.includes("#654321"));
  assert.ok(svg.includes("stroke-dasharray"));
});
