export { execve } from "./exec.ts";
export { tickClock, type TickClock } from "./clock.ts";
export { tuneAllocator, PURGE_DELAY_ENV, PURGE_DELAY_MS, type AllocatorTuning } from "./allocator.ts";
export { adviseHugePages, releasePages, transparentHugePageMode, type HugePageAdvice, type PageRelease } from "./hugepages.ts";
export { loadShim, loadedShim, SHIM_ABI, SHIM_ENV, type Shim, type ShimLoad } from "./shim.ts";
export { UringRing, probeUring, uringUnavailable, addressOf, EV_ACCEPT, EV_RECV, EV_SEND, EV_WAKE, EVENT_WORDS, EVF_MORE, type RingSettings } from "./uring.ts";
export {
  mapArena,
  hugepagePool,
  availablePages,
  nrHugepagesNeeded,
  reserveCommand,
  bufferAddress,
  HUGEPAGES_DIR,
  type ArenaMapping,
  type MapArenaOptions,
  type HugepagePool,
  type HugepageRequest,
  type PageSize,
} from "./memory.ts";
export { pinThread, threadAffinity, type PinResult } from "./affinity.ts";
export { errnoName } from "./errno.ts";
export { openFileLimit } from "./limits.ts";
