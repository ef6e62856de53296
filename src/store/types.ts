// The store's public contract. Synchronous, protocol-free, bytes in and offsets out.
// Keys are passed as (buffer, offset, length) so callers hand in slices of the receive
// buffer without copying; results of a lookup land in the store's "result registers"
// (fields below) so a read allocates nothing.

/** Item type tags stored in each item header. Non-string types live in the object store (issue 5). */
export const ItemType = {
  String: 0,
  Hash: 1,
  List: 2,
  Set: 3,
  ZSet: 4,
  Stream: 5,
} as const;
export type ItemType = (typeof ItemType)[keyof typeof ItemType];

/**
 * A non-string value (hash, list, set, sorted set): a JavaScript structure in the store's
 * side table, referenced from its item. Its mutators keep `bytes` current; a command that
 * changes one calls StoreApi.recharge so the store charges the new size against heap_size.
 */
export interface StoreObject {
  /** Estimated bytes held (elements plus structure overhead). */
  readonly bytes: number;
  /** Elements held; a key whose object is emptied is deleted by the command that emptied it. */
  readonly size: number;
  /** Redis's OBJECT ENCODING name for what this representation matches. */
  encoding(): string;
  /** A deep copy (COPY). */
  clone(): StoreObject;
}

/** Bit flags for Store.set's `mode` argument. */
export const SetMode = {
  /** Only set if the key does not exist (SET NX, SETNX, memcache add). */
  NX: 1,
  /** Only set if the key exists (SET XX, memcache replace). */
  XX: 2,
  /** Keep the existing item's expiry, ignoring expiryMs (SET KEEPTTL, APPEND, SETRANGE, INCR). */
  KEEPTTL: 4,
  /** Only set if the existing item's CAS equals Store.casExpected (memcache cas). */
  CAS: 8,
  /** Keep the existing item's memcache flags instead of `flags` (APPEND/PREPEND over memcache). */
  KEEPFLAGS: 16,
} as const;

export const SetStatus = {
  Stored: 0,
  /** NX/XX condition not met (key existed / did not exist). */
  NotStored: 1,
  /** CAS mode and the key does not exist. */
  NotFound: 2,
  /** CAS mode and the CAS value differs. */
  Exists: 3,
  /** noeviction policy (or nothing evictable) and no room: Redis's -OOM. */
  OutOfMemory: 4,
  /** Value bigger than max_value_size. */
  TooLarge: 5,
} as const;
export type SetStatus = (typeof SetStatus)[keyof typeof SetStatus];

export const EvictionPolicies = ["fifo", "random", "s3fifo", "noeviction"] as const;
export type EvictionPolicy = (typeof EvictionPolicies)[number];

export interface StoreOptions {
  heapSizeBytes: number;
  segmentSizeBytes: number;
  hashtablePower: number;
  maxValueSizeBytes: number;
  eviction: EvictionPolicy;
  databases: number;
  /**
   * The arena's memory handed in by the caller (the shim's mmap, hugepage-backed or bound
   * to a NUMA node): one ArrayBuffer per chunk, sized as `arenaChunkBytes` says. Allocated
   * by the store when absent. The caller owns it (and any hugepage advice for it), so
   * `onLargeAllocation` is not called for it.
   */
  memory?: readonly ArrayBuffer[];
  /** Wall clock in ms; tests hand in a manual clock. */
  nowMs?: () => number;
  /**
   * Called with each large typed array the store allocates (arena chunks it allocates
   * itself, the index, again when the index grows), so the server can advise hugepages.
   */
  onLargeAllocation?: (view: ArrayBufferView) => void;
}

/** The sizing and policy a store was built with. */
export type StoreSettings = Readonly<Required<Omit<StoreOptions, "memory" | "nowMs" | "onLargeAllocation">>>;

/**
 * Store.onRemoved: a key the store removed by itself, because its TTL passed (lazily on
 * access, or by tick()/the allocator reclaiming segments: REASON_EXPIRED) or because
 * eviction dropped it (REASON_EVICTED). `db` is the logical (SELECT) number. The key bytes
 * are a view into the arena or a scratch copy, valid only during the call. Called once the
 * removal is complete; the listener must not call the store (it runs inside store calls).
 */
export type RemovalListener = (db: number, key: Uint8Array, keyOff: number, keyLen: number, reason: number) => void;

/** Visitor for scan/keys; the key bytes are only valid during the call. */
export type KeyVisitor = (buf: Uint8Array, off: number, len: number) => void;

export interface StoreStats {
  /** Bytes of the arena in use by segments that hold items (live or dead). */
  usedBytes: number;
  /** Bytes of live items (header + key + value) plus large-value side allocations. */
  liveBytes: number;
  /** Bytes the side table (large strings, non-string objects) charges against the heap. */
  largeBytes: number;
  heapSizeBytes: number;
  segmentSizeBytes: number;
  segmentsTotal: number;
  segmentsFree: number;
  items: number;
  hashtableBuckets: number;
  hashtableOverflowBuckets: number;
  evictedKeys: number;
  expiredKeys: number;
  evictedSegments: number;
  expiredSegments: number;
  compactedSegments: number;
}

export interface StoreApi {
  // ---- result registers, valid after find()/peek() returned true, until the next store call ----
  /** Bytes that hold the found value. */
  buf: Uint8Array;
  valueOffset: number;
  valueLength: number;
  itemType: ItemType;
  /** Memcache client flags (u32). */
  itemFlags: number;
  /** CAS value, unique per write. */
  itemCas: number;
  /** Absolute expiry in ms since the epoch; 0 when the item has none. */
  itemExpiryMs: number;
  /** Input register for SetMode.CAS. */
  casExpected: number;
  /** The object of a non-string item (null for strings). */
  obj: StoreObject | null;
  /** Side-table handle of the found item when it is an object or a large string (recharge's argument). */
  itemHandle: number;

  /** Look a key up, counting the access (LFU, idle time). Expired items are deleted and reported missing. */
  find(db: number, key: Uint8Array, keyOff: number, keyLen: number): boolean;
  /** As find, without touching access metadata (TYPE, OBJECT, EXISTS-like introspection). */
  peek(db: number, key: Uint8Array, keyOff: number, keyLen: number): boolean;
  /** Idle time in ms and LFU counter of the item found by the last find/peek. */
  itemIdleMs(): number;
  itemFreq(): number;

  /** Store a value. expiryMs: absolute ms, 0 = none. See SetMode / SetStatus. */
  set(
    db: number, key: Uint8Array, keyOff: number, keyLen: number,
    value: Uint8Array, valueOff: number, valueLen: number,
    expiryMs: number, flags: number, mode: number, type?: ItemType,
  ): SetStatus;
  /**
   * Store an object under a key, replacing what was there (SetMode.NX/XX/KEEPTTL apply).
   * The store owns it from then on; `itemHandle` holds its handle when Stored.
   */
  setObject(
    db: number, key: Uint8Array, keyOff: number, keyLen: number,
    obj: StoreObject, type: ItemType, expiryMs: number, mode: number,
  ): SetStatus;
  /**
   * Charge the object at `handle` what it holds now, after a change. When it grew, room is
   * made per the eviction policy (which may evict any key, this one included); false when
   * no room could be made (noeviction: the store stays over its limit until keys go).
   */
  recharge(handle: number): boolean;
  /** Over heap_size with no room to be made: write commands that grow memory get -OOM. */
  overLimit(): boolean;
  delete(db: number, key: Uint8Array, keyOff: number, keyLen: number): boolean;
  /** Set (expiryMs > 0) or clear (0) the expiry of an existing key; false when missing. */
  expire(db: number, key: Uint8Array, keyOff: number, keyLen: number, expiryMs: number): boolean;
  /** Rename within a db; false when the source is missing. `nx`: fail (return false, `renameTargetExisted` true) if the target exists. */
  rename(db: number, src: Uint8Array, srcOff: number, srcLen: number, dst: Uint8Array, dstOff: number, dstLen: number, nx: boolean): boolean;
  renameTargetExisted: boolean;
  /** Copy a key (value, type, flags, expiry) to another key/db; false when the source is missing or the target exists without `replace`. */
  copy(srcDb: number, src: Uint8Array, srcOff: number, srcLen: number, dstDb: number, dst: Uint8Array, dstOff: number, dstLen: number, replace: boolean): boolean;

  dbSize(db: number): number;
  /** Keys in the db that have an expiry set (INFO keyspace "expires"). */
  expiresCount(db: number): number;
  flushDb(db: number): void;
  flushAll(): void;
  swapDb(a: number, b: number): void;
  /**
   * One step of a cursor iteration over a db. Returns the next cursor (0 when done).
   * Visits roughly `count` keys. Guarantee: a full iteration visits every key present for
   * its whole duration at least once.
   */
  scan(db: number, cursor: number, count: number, visit: KeyVisitor): number;
  /** A random live key of the db, visited once; false when the db is empty. */
  randomKey(db: number, visit: KeyVisitor): boolean;

  /** Reclaim expired segments and items; the server calls this on a timer. Bounded work. */
  tick(): void;
  stats(): StoreStats;
  readonly options: StoreSettings;
}
