/**
 * Keeps the Deno kernel alive through Jupyter's Kernel > Interrupt. Jupyter
 * interrupts by sending SIGINT, and a Deno process with no SIGINT listener
 * dies of it, losing every variable. With this listener in place an
 * interrupted cell that trains stops at the end of its batch (lib/run's own
 * listener does that); any other cell runs on to its end; the kernel stays.
 *
 * The repo's kernel spec starts the kernel with SIGINT ignored, which covers
 * the cells before this module is imported; it is still needed, because
 * Deno restores SIGINT's default action (death) when the last listener is
 * removed, as runAll removes its own.
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
