/**
 * Small in-process caches for derived dashboard figures. Every entry carries the stamp of the data it was derived
 * from (when the client's metrics were last recomputed, its go-live date, its baselines' last change…), and a read
 * with another stamp is a miss, so a cached figure is never older than the data. Each web process keeps its own;
 * nothing here is shared state.
 */
export class StampedCache<V> {
  private readonly entries = new Map<string, { stamp: string; value: V }>();

  constructor(private readonly limit: number) {}

  /** The value cached for `key` when it was derived from data with this `stamp`. */
  get(key: string, stamp: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.stamp !== stamp) return undefined;
    // Re-insert: Map keeps insertion order, so the oldest-used entry is always first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, stamp: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { stamp, value });
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }
}
