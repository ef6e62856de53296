// Memory and CPU placement, done by the composition root before the server starts: pin
// this thread to workers.cpu_affinity, map the store's arena as cache.hugepage and
// cache.numa_node ask, and say in one start-up line what is in effect, with a warning for
// every request that fell back.

import { type Config, formatCpuList, formatSize, parseCpuList } from "../config/index.ts";
import type { ServerPlacement } from "../server/index.ts";
import type { Logger } from "../stdx/index.ts";
import { arenaChunkBytes } from "../store/index.ts";
import { loadShim, mapArena, pinThread, type ShimLoad } from "../../ffi/index.ts";

const PAGE_TEXT = { "4k": "4 KiB pages", "2mb": "2 MiB hugepages", "1gb": "1 GiB hugepages" } as const;

export interface Placed {
  placement: ServerPlacement;
  /** Every request that fell back, as logged. */
  warnings: string[];
  shim: ShimLoad;
}

export async function placeServer(config: Config, env: Record<string, string | undefined>, log: Logger): Promise<Placed> {
  const shim = await loadShim(env);
  const warnings: string[] = [];
  const c = config.cache;
  log.info(
    `memory: heap ${formatSize(c.heap_size)} in ${formatSize(c.segment_size)} segments, hashtable 2^${c.hashtable_power} slots, eviction ${c.eviction}`,
    {
      heap_size: c.heap_size,
      segment_size: c.segment_size,
      segments: Math.floor(c.heap_size / c.segment_size),
      hashtable_power: c.hashtable_power,
      eviction: c.eviction,
      hugepage: c.hugepage,
      numa_node: c.numa_node,
    },
  );

  // Pin first: the thread that will touch the arena runs where it was asked to.
  let pinnedCpus = "";
  const wanted = parseCpuList(config.workers.cpu_affinity) ?? [];
  if (wanted.length > 0) {
    if (!shim.loaded) {
      warnings.push(`cpu_affinity = "${config.workers.cpu_affinity}" needs the shim (${shim.why}): fell back to not pinned`);
    } else {
      const pin = pinThread(shim.shim, wanted);
      if (pin.pinned) pinnedCpus = formatCpuList(pin.cpus);
      else warnings.push(`cpu_affinity = "${config.workers.cpu_affinity}": ${pin.why}: fell back to not pinned`);
    }
  }

  const mapping = mapArena({
    chunkBytes: arenaChunkBytes(config.cache.heap_size, config.cache.segment_size),
    hugepage: config.cache.hugepage,
    numaNode: config.cache.numa_node,
    shim,
  });
  warnings.push(...mapping.warnings);
  for (const w of warnings) log.warn(w);

  const node = mapping.numaNode >= 0 ? `NUMA node ${mapping.numaNode}` : "no NUMA binding";
  const cpus = pinnedCpus !== "" ? `pinned to CPUs ${pinnedCpus}` : "not pinned";
  log.info(`placement: heap on ${PAGE_TEXT[mapping.pageSize]}, ${node}, ${cpus}`, {
    heap_size: config.cache.heap_size,
    page_size: mapping.pageSize,
    numa_node: mapping.numaNode,
    pinned_cpus: pinnedCpus,
    mapped_by: mapping.mappedBy,
    shim: shim.loaded ? shim.path : `not loaded: ${shim.why}`,
  });
  return {
    placement: {
      chunks: mapping.chunks,
      pageSize: mapping.pageSize,
      numaNode: mapping.numaNode,
      pinnedCpus,
      thpAdvisedBytes: mapping.thpAdvisedBytes,
      thpMode: mapping.thpMode,
      thpWhy: mapping.thpWhy,
    },
    warnings,
    shim,
  };
}
