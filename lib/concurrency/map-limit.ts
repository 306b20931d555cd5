// Runs `fn` over `items` with at most `limit` calls in flight, and resolves with the results in the items' order.
// The first rejection rejects the whole (calls already started run to their end; no new ones start).
//
//   const reads = await mapLimit(paths, 8, (file) => readRegularFile(engine, id, file, LIMIT));

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
