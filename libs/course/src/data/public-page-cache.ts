/**
 * Pages of the public catalogue (anonymous `GET /courses`, with or without `q`) kept in memory for
 * a few seconds. Anonymous pages are already sent with `Cache-Control: public, max-age=60`, so any
 * shared cache may serve them that stale; this cache holds them for less (COURSE_PAGE_CACHE_MS)
 * and is emptied by every catalogue write of this instance, so a replica's own changes show at
 * once and other replicas' within the TTL. Popular searches then cost no query at all.
 *
 * A Map in insertion order is the LRU: a hit is re-inserted at the end, the oldest entry goes first.
 */
export class PublicPageCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 2_000,
  ) {}

  /** The cached page for `key`, or `load()`'s (shared by concurrent callers while it runs). */
  get(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = Date.now();
    const found = this.entries.get(key);
    this.entries.delete(key);
    if (found && found.expiresAt > now) {
      this.entries.set(key, found);
      return found.value;
    }
    const value = load();
    const entry = { value, expiresAt: now + this.ttlMs };
    this.entries.set(key, entry);
    // A failed load is not kept: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
