import { AppError } from '../http/errors.ts';

/**
 * Roster files read and checked at once in one process. Each holds its rows, their checks and
 * the file in memory; a third caller is refused rather than queued, because a queue would hold
 * every waiting upload's file in memory as well.
 */
const MAX_CONCURRENT_IMPORTS = 2;
const RETRY_AFTER_SECONDS = 10;

let running = 0;

/** Runs one import in a free slot, or refuses at once (503 with Retry-After) when both are taken. */
export async function withImportSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_IMPORTS) {
    throw new AppError('IMPORT_BUSY', {
      retryAfter: RETRY_AFTER_SECONDS,
      detail: { zh: `正在处理${MAX_CONCURRENT_IMPORTS}份名册，请${RETRY_AFTER_SECONDS}秒后再试`, en: `${MAX_CONCURRENT_IMPORTS} rosters are being read; try again in ${RETRY_AFTER_SECONDS} seconds` },
    });
  }
  running++;
  try {
    return await work();
  } finally {
    running--;
  }
}
