import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
/** A full collection, without starting node with --expose-gc. */
const gc = runInNewContext('gc') as () => void;

/**
 * Heap in use after full collections: what is really kept. Several, because V8 keeps the code
 * of recently compiled functions (ajv's validators are compiled code) for a few collections.
 */
export function heapKeptMB(): number {
  for (let i = 0; i < 10; i++) gc();
  return process.memoryUsage().heapUsed / MB;
}

/**
 * The most heap the work took above where it started (sampled while it runs), and the growth of
 * the process's peak resident memory: the second also sees work that never yields to a timer.
 */
export async function peakDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; heapMB: number; rssMB: number; ms: number }> {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.resourceUsage().maxRSS;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => { heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed); }, 5);
  const started = Date.now();
  try {
    const result = await work();
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    return {
      result, ms: Date.now() - started, heapMB: Math.round((heapPeak - heapBefore) / MB),
      rssMB: Math.round((process.resourceUsage().maxRSS - rssBefore) / 1024),
    };
  } finally {
    clearInterval(sampler);
  }
}
