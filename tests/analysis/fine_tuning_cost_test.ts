import assert from "node:assert/strict";
import {
  costAnswer,
  costFindings,
  costHeadlines,
  costRows,
  costStudy,
} from "../../lib/analysis/fine_tuning_cost.ts";
import {
  costFigure,
  sizeFigure,
} from "../../lib/analysis/fine_tuning_figures.ts";
import type { CostPoint } from "../../lib/finetune/cost_study.ts";

const MB = 2 ** 20;

/**
 * Points shaped like a measurement at S and 2S: per block, (a) `a` MB of
 * working memory, (b) `b` MB, (c) `c` MB; CPU times 10, 3 and 2 ms per
 * block (wall times 1.5 as long); memory and time x`grow` at 2S.
 */
function fakeCost(
  { a, b, c, grow = 4, sizes = [8, 16] }: {
    a: number;
    b: number;
    c: number;
    grow?: number;
    sizes?: number[];
  },
): CostPoint[] {
  const out: CostPoint[] = [];
  for (const size of sizes) {
    for (const n of [2, 4, 8]) {
      const px = size === sizes[0] ? 1 : grow;
      const base = { n, size, paramBytes: 1000 * n, batchSize: 2 };
      const point = (mode: "a" | "b" | "c", perBlock: number, ms: number) => ({
        ...base,
        mode,
        workBytes: (perBlock * n + 0.5) * MB * px,
        peakBytes: (perBlock * n + 0.5) * MB * px + 1000 * n,
        gradBytes: mode === "a" ? 900 * n : 40,
        optimizerBytes: mode === "a" ? 1800 * n : 80,
        stepMs: (ms * n + 1) * px * 1.5,
        cpuMs: (ms * n + 1) * px,
      });
      out.push(point("a", a, 10), point("b", b, 3), point("c", c, 2));
    }
  }
  return out;
}

function render(points: CostPoint[]): string {
  const s = costStudy({ points, backend: "wasm", threads: 1 });
  return [
    costAnswer(s),
    costFindings(s),
    ...costHeadlines(s).map((h) => `${h.question} ${h.answer}`),
  ].join("\n");
}

Deno.test("C.4 and C.5 from two studies carry each one's numbers only", () => {
  const one = render(fakeCost({ a: 3, b: 1.25, c: 0 }));
  const two = render(
    fakeCost({ a: 7.5, b: 2.75, c: 0, grow: 3.2, sizes: [32, 64] }),
  );
  for (
    const want of ["+12.00 MB", "+5.00 MB", "x4.00", "S = 8 to 16", "S = 16,"]
  ) {
    assert.ok(one.includes(want), `first lacks ${want}`);
    assert.ok(!two.includes(want), `second has ${want}`);
  }
  for (
    const want of ["+24.00 MB", "+8.80 MB", "x3.20", "S = 32 to 64", "S = 64,"]
  ) {
    assert.ok(two.includes(want), `second lacks ${want}`);
    assert.ok(!one.includes(want), `first has ${want}`);
  }
});

Deno.test("C.4 and C.5 wording follows the numbers", () => {
  const flat = costStudy({
    points: fakeCost({ a: 3, b: 1, c: 0 }),
    backend: "wasm",
    threads: 1,
  });
  assert.match(
    costAnswer(flat),
    /^\*\*C\.4: memory grows with n when the whole network trains; with only the last layer trained it stays flat, if the frozen body runs off the gradient tape\.\*\*/,
  );
  assert.match(
    costAnswer(flat),
    /\+12\.00 MB \(whole network\), \+4\.00 MB \(last layer, body on the tape\), \+0\.00 MB \(body off the tape\); CPU time per extra block \+40\.0 ms against \+8\.0 ms: the forward pass through the body remains/,
  );
  assert.match(
    costAnswer(flat),
    /C\.5: doubling the input's height and width multiplies working memory by about 4 \(x4\.00\); the parameters do not change \(x1\.00\)\.\*\* \(S = 8 to 16/,
  );
  assert.match(
    costFindings(flat),
    /"The last layer needs O\(1\) memory": right for the working memory only when the body runs off the tape \(not on it\)/,
  );
  assert.match(
    costFindings(flat),
    /"Doubling the input leaves memory unchanged": wrong, it grows x4\.00/,
  );
  assert.match(costFindings(flat), /still grows with n/);

  // (c) grows too, (b) flat, memory only x1.2 at 2S
  const grows = costStudy({
    points: fakeCost({ a: 3, b: 0, c: 1, grow: 1.2 }),
    backend: "wasm",
    threads: 1,
  });
  assert.match(
    costAnswer(grows),
    /with only the last layer trained it grows too/,
  );
  assert.match(costAnswer(grows), /by x1\.20/);
  assert.match(
    costFindings(grows),
    /not what this measurement shows: even off the tape it grows/,
  );
  assert.match(costFindings(grows), /Here even \(b\) stays flat/);
  assert.match(
    costFindings(grows),
    /"Doubling the input leaves memory unchanged": right here \(x1\.20\)/,
  );
});

Deno.test("C.4 and C.5 headlines, rows and figures", () => {
  const s = costStudy({
    points: fakeCost({ a: 3, b: 1, c: 0 }),
    backend: "wasm",
    threads: 1,
  });
  const [c4, c5] = costHeadlines(s);
  assert.match(c4.question, /^C\.4 .*\(S = 16, batch 2\)/);
  assert.match(
    c4.answer,
    /whole network \+12\.00 MB\/block, last layer with the body on the tape \+4\.00, off the tape \+0\.00/,
  );
  assert.match(
    c5.question,
    /^C\.5 doubling the input's height and width \(S = 8 to 16\)/,
  );
  assert.match(
    c5.answer,
    /^parameters x1\.00; working memory x4\.00 \(whole network\)/,
  );
  assert.equal(costRows(s).length, 18);
  for (
    const svg of [costFigure(s, "memory"), costFigure(s, "time"), sizeFigure(s)]
  ) {
    assert.match(svg, /^<svg xmlns/);
  }
  assert.ok(costFigure(s, "memory").includes("+12.00 MB per block"));
});
