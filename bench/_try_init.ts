import { describeBackend, initTf } from "../lib/backend.ts";
const t0 = performance.now();
const info = await initTf();
console.log(describeBackend(info), (performance.now() - t0).toFixed(0), "ms");
console.log(JSON.stringify(info));
