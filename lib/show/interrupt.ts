/**
 * Keeps the Deno kernel alive through Jupyter's Kernel > Interrupt. Jupyter
 * interrupts by sending SIGINT, and a Deno process with no SIGINT listener
 * dies of it, losing every variable. With this listener in place an
 * interrupted cell that trains stops at the end of its batch (lib/run's own
 * listener does that); any other cell runs on to its end; the kernel stays.
 *
 * @module
 */
import { inJupyter } from "./display.ts";

let installed = false;

/** Installs the listener once, inside the Jupyter kernel only. */
export function keepKernelOnInterrupt(): void {
  if (installed || !inJupyter()) return;
  installed = true;
  Deno.addSignalListener("SIGINT", () => {});
}
