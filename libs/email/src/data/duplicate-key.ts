const DUPLICATE_KEY = 11000;

/** A write that hit a unique index (MongoDB error 11000). */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/**
 * Runs an upsert, once more when it lost a race: two upserts of the same new key both try to
 * insert, and the loser hits the unique index; its second try finds the document and updates it.
 */
export async function retryingUpsertRace<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return upsert();
  }
}
