import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const benchDir = path.join(repoRoot, 'bench');
export const outDir = path.join(benchDir, 'out');

const t0 = performance.now();
/** A line of progress, stamped with the seconds since the benchmark started. */
export function log(msg: string): void {
  console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
}
