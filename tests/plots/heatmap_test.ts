import assert from "node:assert/strict";
import sharp from "sharp";
import { DOMParser } from "linkedom";
import {
  type HeatCell,
  heatmapGrid,
  textColourOn,
} from "../../lib/plots/heatmap.ts";

function parse(svg: string) {
  return new DOMParser().parseFromString(svg, "image/svg+xml");
}

Deno.test("heatmapGrid: panels on one colour scale, readable numbers", async (t) => {
  const cells: HeatCell[] = [];
  for (const column of ["batch", "running"]) {
    for (const row of ["CNN", "UNet"]) {
      for (const y of ["a = -1", "a = 2"]) {
        for (const x of ["b = 0", "b = 1"]) {
          const value = column === "batch" && row === "CNN" ? 0 : 100;
          cells.push({ x, y, value, column, row });
        }
      }
    }
  }
  const svg = heatmapGrid(cells, {
    title: "Pixels that change",
    xLabel: "shift b",
    yLabel: "scale a",
    valueLabel: "% of pixels",
    domain: [0, 100],
    annotate: true,
    width: 960,
  });
  const doc = parse(svg);

  await t.step("a standalone SVG that rasterises", async () => {
    const bytes = new TextEncoder().encode(svg);
    const meta = await sharp(bytes).metadata();
    assert.equal(meta.width, 960);
    await sharp(bytes).png().toBuffer();
  });

  await t.step("every cell drawn, every panel labelled", () => {
    const rects = [...doc.querySelectorAll('g[aria-label="cell"] rect')];
    assert.equal(rects.length, 16);
    const text = [...doc.querySelectorAll("text")].map((x) => x.textContent)
      .join("|");
    for (
      const want of ["batch", "running", "CNN", "UNet", "scale a", "shift b"]
    ) {
      assert.ok(text.includes(want), `missing ${want} in ${text}`);
    }
  });

  await t.step("one scale: equal values, equal colours in every panel", () => {
    const fills = [...doc.querySelectorAll('g[aria-label="cell"] rect')].map((
      r,
    ) => r.getAttribute("fill"));
    // 4 cells at 0 (batch, CNN), 12 at 100
    const counts = new Map<string, number>();
    for (const f of fills) counts.set(f!, (counts.get(f!) ?? 0) + 1);
    assert.deepEqual([...counts.values()].sort((a, b) => a - b), [4, 12]);
  });

  await t.step("numbers are black on light cells, white on dark ones", () => {
    const labels = [...doc.querySelectorAll('g[aria-label="text"] text')];
    assert.equal(labels.length, 16);
    const colourOf = (v: string) =>
      new Set(
        labels.filter((l) => l.textContent === v).map((l) =>
          l.getAttribute("fill")
        ),
      );
    assert.deepEqual([...colourOf("0")], ["black"]);
    assert.deepEqual([...colourOf("100")], ["white"]);
  });

  await t.step("the y label does not sit on a tick", () => {
    const label = [...doc.querySelectorAll("text")].find((x) =>
      x.textContent === "scale a"
    )!;
    // rotated along the axis, centred: not at the top-left where the first tick is
    assert.match(label.getAttribute("transform") ?? "", /rotate\(-90\)/);
  });
});

Deno.test("textColourOn picks the readable text colour", () => {
  assert.equal(textColourOn("rgb(247, 251, 255)"), "black");
  assert.equal(textColourOn("rgb(8, 48, 107)"), "white");
  assert.equal(textColourOn("#fde725"), "black"); // viridis' yellow
  assert.equal(textColourOn("#440154"), "white"); // viridis' purple
});
