import assert from "node:assert/strict";
import { cellTimeout } from "../../lib/report/cli.ts";

Deno.test("a full report's cells have no time limit, a quick one's an hour; --cell-timeout overrides", () => {
  // the full report's training cells took over an hour on 2 cores
  assert.equal(cellTimeout(undefined, false), 0);
  assert.equal(cellTimeout(undefined, true), 3600);
  assert.equal(cellTimeout("120", false), 120);
  assert.equal(cellTimeout("0", true), 0);
  assert.throws(() => cellTimeout("-5", false), /--cell-timeout must be/);
  assert.throws(() => cellTimeout("soon", false), /--cell-timeout must be/);
});
