// Item state that memcached keeps in an item's it_flags and Crucible's item header has no
// bits for: ITEM_STALE (invalidated by `md I` or a stale `ms I`) and ITEM_TOKEN_SENT (a
// client already won the right to recache it: W was sent, later fetches see Z).
//
// It lives in a side table keyed by the item's CAS. Every write gives an item a new CAS
// (a touch keeps it), so an overwrite by any protocol leaves the old entry unreachable,
// which is exactly memcached's "a new item starts with clean flags". Only invalidated items
// and items whose token was handed out have an entry. The table is bounded: past
// MAX_ENTRIES the oldest entry is dropped (Map iterates in insertion order), and an
// entry that points at an overwritten item is garbage that ages out the same way. Losing
// an entry makes a stale item look fresh or lets a second client win the recache token:
// a bounded, rare degradation instead of unbounded memory. CAS values are unique per
// process, so one table serves the process's store.

export const ItemState = {
  Stale: 1,
  TokenSent: 2,
} as const;

/** Enough for every invalidated or recaching item of a busy cache at once; ~4 MiB full. */
const MAX_ENTRIES = 1 << 16;

const states = new Map<number, number>();

/** The ItemState bits of the item with this CAS (0 when none). */
export function itemState(cas: number): number {
  if (states.size === 0) return 0;
  return states.get(cas) ?? 0;
}

export function setItemState(cas: number, bits: number): void {
  if (bits === 0) {
    states.delete(cas);
    return;
  }
  if (states.size >= MAX_ENTRIES && !states.has(cas)) {
    const oldest = states.keys().next().value;
    if (oldest !== undefined) states.delete(oldest);
  }
  states.set(cas, bits);
}
