export { execve } from "./exec.ts";
export { tuneAllocator, PURGE_DELAY_ENV, PURGE_DELAY_MS, type AllocatorTuning } from "./allocator.ts";
export { adviseHugePages, transparentHugePageMode, type HugePageAdvice } from "./hugepages.ts";
export { loadShim, loadedShim, SHIM_ABI, SHIM_ENV, type Shim, type ShimLoad } from "./shim.ts";
