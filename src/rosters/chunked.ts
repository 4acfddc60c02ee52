/**
 * Runs `work` on each slice of at most `size` items, one after another, and joins the answers:
 * bulk reads and writes stay under the database's limit of parameters per statement.
 */
export async function chunked<T, R>(
  items: readonly T[], size: number, work: (slice: T[]) => Promise<R[]>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...await work(items.slice(i, i + size)));
  return out;
}
