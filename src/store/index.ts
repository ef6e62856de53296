// The store: Crucible's keyspace. Import it only through this file.
export * from "./types.ts";
export { Store } from "./store.ts";
export { REASON_EVICTED, REASON_EXPIRED } from "./policy.ts";
export { hashKey } from "./hash.ts";
export { arenaChunkBytes } from "./location.ts";
export * from "./objects/hash.ts";
export * from "./objects/list.ts";
export * from "./objects/set.ts";
export * from "./objects/zset.ts";
