import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRecords, readRecords } from "../../lib/report/records.ts";

Deno.test("parseRecords() groups headlines and context by notebook", () => {
  const text = [
    JSON.stringify({
      notebook: "01_a",
      kind: "context",
      context: { data: "x", seed: 0 },
    }),
    JSON.stringify({
      notebook: "01_a",
      kind: "headline",
      question: "Q1?",
      answer: "1",
    }),
    `{"notebook": "01_a", "kind": "headl`, // cut short by a killed kernel
    JSON.stringify({
      notebook: "02_b",
      kind: "headline",
      question: "Q2?",
      answer: "2",
      reference: "3",
    }),
    JSON.stringify({ notebook: "01_a", kind: "context", context: { seed: 1 } }),
    "",
  ].join("\n");
  const records = parseRecords(text);
  assert.deepEqual(records.get("01_a"), {
    headlines: [{ question: "Q1?", answer: "1" }],
    context: { data: "x", seed: 1 },
  });
  assert.deepEqual(records.get("02_b")?.headlines, [
    { question: "Q2?", answer: "2", reference: "3" },
  ]);
});

Deno.test("readRecords() of a missing file is empty", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal((await readRecords(join(dir, "none.jsonl"))).size, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
