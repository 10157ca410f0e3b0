/**
 * A map bounded by the size of what it holds (in whatever unit its owner counts: bytes,
 * characters), the least recently used entries going first. A read touches an entry; an entry
 * just put in stays, even when it alone is over the bound, until the next one comes.
 */
export class SizedLru<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private held = 0;

  constructor(private readonly maxSize: number) {}

  /** The value, now the most recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Most recently used last: eviction takes from the front.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** The value, without touching it. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Puts `value` in as the most recently used, counted as `size` (0: counted later, resize). */
  set(key: string, value: V, size = 0): void {
    this.delete(key);
    this.entries.set(key, { value, size });
    this.held += size;
    this.evict(key);
  }

  /** Counts `value`, if `key` still holds it, as `size` from now on; whether it did. */
  resize(key: string, value: V, size: number): boolean {
    const entry = this.entries.get(key);
    if (entry?.value !== value) return false;
    this.held += size - entry.size;
    entry.size = size;
    this.evict();
    return true;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.held -= entry.size;
    return this.entries.delete(key);
  }

  /** Entries held. */
  get count(): number {
    return this.entries.size;
  }

  /** Their size, as counted against the bound. */
  get size(): number {
    return this.held;
  }

  private evict(keep?: string): void {
    for (const key of this.entries.keys()) {
      if (this.held <= this.maxSize) return;
      if (key !== keep) this.delete(key);
    }
  }
}
