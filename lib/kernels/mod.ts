/**
 * The project's own tfjs kernels and gradients (filled in by lib/kernels/*).
 *
 * @module
 */

/** Registers the project's own kernels for a backend; returns their names. */
export function registerOwnKernels(_backendName: string): string[] {
  return [];
}
