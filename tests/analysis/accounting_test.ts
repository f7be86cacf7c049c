import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  accountingAnswer,
  type AccountingExperiment,
  accountingFormulas,
  type AccountingStudy,
  accountingStudy,
  inputNetworks,
  int,
  pick,
  QUANTITIES,
} from "../../lib/analysis/accounting.ts";
import {
  accountingFindings,
  accountingHeadline,
  accountingTable,
  factorBars,
  layerRows,
  layerShareBars,
} from "../../lib/analysis/accounting_findings.ts";

const handout: AccountingExperiment = {
  cnn: { numFilters: 32, numColours: 24, kernelSize: 3, width: 32, height: 32 },
  changes: [{ width: 64, height: 64 }, { numFilters: 64 }, { kernelSize: 5 }],
};

const small: AccountingExperiment = {
  cnn: { numFilters: 8, numColours: 5, kernelSize: 5, width: 16, height: 24 },
  changes: [{ width: 48, height: 24 }, { numColours: 10 }],
};

/** Every text the notebook shows from a study. */
function pageText(s: AccountingStudy): string {
  return [
    accountingAnswer(s),
    accountingFormulas(s),
    accountingFindings(s),
    accountingTable(s),
    JSON.stringify(accountingHeadline(s)),
  ].join("\n");
}

/** The counts the text states: the six values and the base's countParams(). */
function ownNumbers(s: AccountingStudy): string[] {
  return [
    ...inputNetworks(s).flatMap((c) =>
      QUANTITIES.map((q) => int(pick(c.model, q)))
    ),
    int(s.base.countParams),
  ];
}

Deno.test("notebook 02's study, answer and findings", async (t) => {
  await tf.setBackend("cpu");
  const a = accountingStudy(handout);
  const b = accountingStudy(small);

  await t.step("the handout's six values, checked on built models", () => {
    assert.deepEqual(a.base.mismatches, []);
    assert.equal(pick(a.base.model, "weights"), 86352);
    assert.equal(pick(a.base.model, "outputs"), 86016);
    assert.equal(pick(a.base.model, "connections"), 15630336);
    const input = a.changes[0];
    assert.ok(input.inputOnly);
    assert.deepEqual(input.factor, { weights: 1, outputs: 4, connections: 4 });
    const text = accountingAnswer(a);
    assert.match(
      text,
      /leaves the weights unchanged, multiplies the outputs by 4 and multiplies the connections by 4/,
    );
    assert.match(
      text,
      /86,352 weights, 344,064 outputs and 62,521,344 connections at 64x64/,
    );
    assert.match(text, /every count equals/);
  });

  await t.step("findings from two studies carry their own numbers only", () => {
    const textA = pageText(a);
    const textB = pageText(b);
    const numsA = ownNumbers(a);
    const numsB = ownNumbers(b);
    for (const n of numsA) {
      assert.ok(textA.includes(n), `A lacks ${n}`);
      if (!numsB.includes(n)) assert.ok(!textB.includes(n), `B has A's ${n}`);
    }
    for (const n of numsB) {
      if (!numsA.includes(n)) assert.ok(!textA.includes(n), `A has B's ${n}`);
    }
    // the base counts of each appear in its own answer
    for (const q of QUANTITIES) {
      assert.ok(accountingAnswer(a).includes(int(pick(a.base.model, q))));
      assert.ok(accountingAnswer(b).includes(int(pick(b.base.model, q))));
    }
    assert.match(textB, /input 16x24 → 48x24/);
    assert.match(textB, /grow ×3, exactly as the area/);
    assert.match(textA, /grow ×4, exactly as the area/);
    assert.match(textB, /NC 5 → 10/);
    assert.ok(!textB.includes("NF 32"));
  });

  await t.step("the wording follows the numbers", () => {
    // a mismatch with the built model is said, not hidden
    const broken: AccountingStudy = {
      ...a,
      base: { ...a.base, mismatches: ["conv3", "totals"] },
    };
    assert.match(accountingFindings(broken), /do not hold everywhere.*conv3/);
    assert.match(accountingAnswer(broken), /1 of 4 networks differ/);
    assert.doesNotMatch(accountingAnswer(broken), /every count equals/);
    // weights that grew with the input would be reported as such
    const grown: AccountingStudy = {
      ...a,
      changes: [{
        ...a.changes[0],
        factor: { ...a.changes[0].factor, weights: 2 },
      }],
    };
    assert.match(accountingAnswer(grown), /multiplies the weights by 2/);
    assert.match(accountingFindings(grown), /weights change by ×2/);
    // a student formula that agrees is not called wrong
    const right: AccountingStudy = {
      ...a,
      base: {
        ...a.base,
        student: {
          weights: a.base.model.weightsConv,
          outputs: a.base.model.outputsConv,
          connections: a.base.model.connections,
        },
      },
    };
    const f = accountingFindings(right);
    assert.match(f, /its weights \(86,352\) agree/);
    assert.match(f, /its outputs are the conv layers' outputs/);
    assert.match(f, /its connections are the multiply-accumulates\./);
    assert.match(
      accountingFindings(a),
      /miss 24, exactly NC: the last conv's biases/,
    );
    assert.match(accountingFindings(a), /conv5's 6,144 outputs twice/);
  });

  await t.step("figure data and tables", () => {
    const bars = factorBars(a);
    assert.equal(bars.length, 3 * a.changes.length);
    assert.deepEqual(
      bars.filter((x) => x.label.startsWith("input")).map((x) => x.value),
      [1, 4, 4],
    );
    const shares = layerShareBars(a.base);
    for (const q of QUANTITIES) {
      const sum = shares.filter((x) => x.series === q).reduce(
        (s, x) => s + x.value,
        0,
      );
      assert.ok(Math.abs(sum - 100) < 1e-9, `${q} shares sum to ${sum}`);
    }
    assert.match(shares[0].label, /^conv1 1→32, 32x32$/);
    const rows = layerRows(a.base);
    assert.equal(rows.length, 6);
    assert.equal(rows[2]["channels, positions"], "64→64, 8x8");
    assert.equal(rows[2]["weights (kernels + biases)"], 9 * 64 * 64 + 64);
    assert.match(
      accountingTable(a),
      /\| 86,352 \| 86,352 \| 86,328 \/ 86,328 \|/,
    );
    const h = accountingHeadline(a);
    assert.match(h.question, /NF 32, NC 24, K 3; 32x32 and 64x64/);
    assert.match(
      accountingHeadline(b).question,
      /NF 8, NC 5, K 5; 16x24 and 48x24/,
    );
  });
});
