import { describeBackend, initTf } from "../lib/backend.ts";
(globalThis as { BREAK?: string }).BREAK = Deno.args[0];
const info = await initTf({ threads: 2, threadPoolTimeoutMs: 5000 });
console.log(describeBackend(info));
