import type { Store } from './store.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The clock expiries and pace slots are measured with, ms since the epoch. Default `Date.now`
   * (which fake timers drive); tests may pass their own.
   */
  now?: () => number;
}

interface Entry {
  value: string;
  /** When it expires, ms since the epoch; `Infinity` for never. */
  until: number;
}

/**
 * The {@link Store} that keeps everything in this process: the default of every client, and what
 * several clients in one process share when they are handed the same one. Expired values are
 * dropped when next read, so it runs no timer of its own. `shared` is `false`: other processes do
 * not see it (use `@mjgate/redis` for them).
 *
 * @example
 * import { createMemoryStore } from '@mjgate/core';
 * // Two clients on one key, in one process, keep one pace and one idempotency window:
 * const store = createMemoryStore();
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const now = options.now ?? (() => Date.now());
  const values = new Map<string, Entry>();
  const leases = new Map<string, Map<string, number>>();
  const maps = new Map<string, Map<string, string>>();
  const channels = new Map<string, Set<(message: string) => void>>();
  let leaseCount = 0;

  const read = (key: string): Entry | undefined => {
    const entry = values.get(key);
    if (entry && entry.until <= now()) {
      values.delete(key);
      return undefined;
    }
    return entry;
  };
  const until = (ttlMs: number | undefined) => (ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs);

  return {
    shared: false,

    async reserveSlot(key, intervalMs) {
      const at = now();
      const previous = read(key);
      const slot = Math.max(at, previous ? Number(previous.value) + intervalMs : at);
      // The record outlives its slot by one interval, the longest anyone still needs it.
      values.set(key, { value: String(slot), until: slot + intervalMs });
      return slot - at;
    },

    async acquireLease(key, max, ttlMs) {
      const at = now();
      const held = leases.get(key) ?? new Map<string, number>();
      for (const [id, expires] of held) if (expires <= at) held.delete(id);
      if (held.size >= max) return undefined;
      leaseCount += 1;
      const id = `lease-${leaseCount}`;
      held.set(id, at + ttlMs);
      leases.set(key, held);
      return id;
    },

    async releaseLease(key, lease) {
      leases.get(key)?.delete(lease);
    },

    async get(key) {
      return read(key)?.value;
    },

    async set(key, value, ttlMs) {
      values.set(key, { value, until: until(ttlMs) });
    },

    async setIfAbsent(key, value, ttlMs) {
      if (read(key)) return false;
      values.set(key, { value, until: until(ttlMs) });
      return true;
    },

    async delete(key) {
      values.delete(key);
    },

    async increment(key, ttlMs) {
      const entry = read(key);
      const next = (entry ? Number(entry.value) : 0) + 1;
      values.set(key, { value: String(next), until: entry ? entry.until : until(ttlMs) });
      return next;
    },

    async setEntry(key, field, value) {
      const map = maps.get(key) ?? new Map<string, string>();
      map.set(field, value);
      maps.set(key, map);
    },

    async deleteEntry(key, field) {
      const map = maps.get(key);
      map?.delete(field);
      if (map?.size === 0) maps.delete(key);
    },

    async entries(key) {
      return [...(maps.get(key) ?? [])];
    },

    async publish(channel, message) {
      // Delivered after the publisher's turn, as a broker would: a listener never runs inside publish.
      for (const listener of [...(channels.get(channel) ?? [])]) {
        queueMicrotask(() => {
          try {
            listener(message);
          } catch {
            // A listener's own failure is its business; the other subscribers still get the message.
          }
        });
      }
    },

    async subscribe(channel, listener) {
      const set = channels.get(channel) ?? new Set();
      // Wrapped so one function subscribed twice counts twice and ends once per subscription.
      const own = (message: string) => listener(message);
      set.add(own);
      channels.set(channel, set);
      return async () => {
        set.delete(own);
        if (set.size === 0 && channels.get(channel) === set) channels.delete(channel);
      };
    },

    async close() {
      values.clear();
      leases.clear();
      maps.clear();
      channels.clear();
    },
  };
}
