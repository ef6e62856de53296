// MEMORY STATS, DOCTOR, MALLOC-STATS and PURGE: what Crucible's memory holds, from the
// store's statistics and the process's memory (INFO memory's used_memory and its parts come
// from memoryFacts; these reuse it so the two never disagree).

import { heapStats } from "bun:jsc";
import { PURGE_DELAY_ENV, releasePages } from "../../ffi/index.ts";
import type { MemoryStat } from "../commands/index.ts";
import { human, memoryFacts } from "./info.ts";
import type { Server } from "./server.ts";

const MB = 1024 * 1024;

/** Everything the reports read, gathered once. */
function facts(server: Server) {
  const m = memoryFacts(server);
  const st = server.store.stats();
  const perDb: number[] = [];
  let keys = 0;
  for (let db = 0; db < server.options.server.databases; db++) {
    const n = server.store.dbSize(db);
    perDb.push(n);
    keys += n;
  }
  // Live items in segments (liveBytes also counts the side table's large values and objects).
  const arenaLive = Math.max(0, st.liveBytes - st.largeBytes);
  // Bytes written to segments in use that hold no live item: overwritten, deleted or expired
  // items awaiting compaction or the segment's reuse. (Open segments' unwritten tails are
  // room, not waste.)
  const written = server.store.writtenBytes();
  const dead = Math.max(0, written - arenaLive);
  const jsHeap = Math.max(0, m.used - st.usedBytes);
  return { m, st, perDb, keys, arenaLive, dead, written, jsHeap, indexBytes: server.store.indexBytes() };
}

const ratio = (n: number): { ratio: number } => ({ ratio: Number.isFinite(n) ? n : 0 });

/**
 * MEMORY STATS under Redis 7.0's field names where the meaning maps, then Crucible's own.
 * "allocator" is the arena: allocated = what live data holds (live items and the JS heap),
 * active = whole segments in use plus the JS heap, resident = the process's RSS; so
 * allocator-fragmentation is the segments' dead space, and fragmentation is RSS over
 * used_memory as in INFO.
 */
export function memoryStats(server: Server): MemoryStat[] {
  const f = facts(server);
  const { m, st } = f;
  const netUsage = Math.max(1, m.used - m.startup);
  const allocated = Math.max(1, m.used - f.dead);
  const active = Math.max(1, m.used);
  const resident = m.rss;
  const out: MemoryStat[] = [
    ["peak.allocated", m.peak],
    ["total.allocated", m.used],
    ["startup.allocated", m.startup],
    ["replication.backlog", 0],
    ["clients.slaves", 0],
    ["clients.normal", m.clients],
    ["cluster.links", 0],
    ["aof.buffer", 0],
    ["lua.caches", 0],
    ["functions.caches", 0],
  ];
  f.perDb.forEach((n, db) => {
    if (n === 0) return;
    out.push([`db.${db}`, [
      // The hashtable is shared by every database; each is charged its share of the keys.
      ["overhead.hashtable.main", f.keys > 0 ? Math.round((f.indexBytes * n) / f.keys) : 0],
      // Expiry times live in the items' headers: there is no separate expires table.
      ["overhead.hashtable.expires", 0],
      ["overhead.hashtable.slot-to-keys", 0],
    ]]);
  });
  out.push(
    ["overhead.total", Math.max(0, m.used - m.dataset)],
    ["keys.count", f.keys],
    ["keys.bytes-per-key", f.keys > 0 ? Math.floor(Math.max(0, m.used - m.startup) / f.keys) : 0],
    ["dataset.bytes", m.dataset],
    ["dataset.percentage", ratio((m.dataset * 100) / netUsage)],
    ["peak.percentage", ratio(m.peak > 0 ? (m.used * 100) / m.peak : 0)],
    ["allocator.allocated", allocated],
    ["allocator.active", active],
    ["allocator.resident", resident],
    ["allocator-fragmentation.ratio", ratio(active / allocated)],
    ["allocator-fragmentation.bytes", active - allocated],
    ["allocator-rss.ratio", ratio(resident / active)],
    ["allocator-rss.bytes", resident - active],
    ["rss-overhead.ratio", ratio(1)],
    ["rss-overhead.bytes", 0],
    ["fragmentation", ratio(m.used > 0 ? m.rss / m.used : 0)],
    ["fragmentation.bytes", m.rss - m.used],
    // Crucible's own: the arena, its segments, the side table, the index and the JS heap.
    ["arena.bytes", st.heapSizeBytes],
    ["arena.segment-bytes", st.segmentSizeBytes],
    ["arena.segments.used", st.segmentsTotal - st.segmentsFree],
    ["arena.segments.free", st.segmentsFree],
    ["arena.live.bytes", f.arenaLive],
    ["arena.dead.bytes", f.dead],
    ["objects.bytes", st.largeBytes],
    ["index.bytes", f.indexBytes],
    ["js-heap.bytes", f.jsHeap],
  );
  return out;
}

/** MEMORY DOCTOR: Crucible's findings, in the spirit (and to the same reader) as Redis's. */
export function memoryDoctor(server: Server): string {
  const f = facts(server);
  const { m, st } = f;
  if (m.peak - m.startup < 5 * MB) {
    return (
      "Hi Sam, this instance has held less than 5 MB since it started, too little for my checks to mean anything. " +
      "Give it some real data and ask me again; until then there is nothing here to worry about.\n"
    );
  }
  const issues: string[] = [];
  if (m.peak > m.used * 1.5) {
    issues.push(
      `Peak memory: at its peak this instance accounted for ${human(m.peak)}, ${(m.peak / Math.max(1, m.used)).toFixed(2)} times the ` +
        `${human(m.used)} it holds now. Keys were deleted, expired, evicted or flushed since. Segments freed then stay part of the ` +
        "process until their pages are handed back: MEMORY PURGE returns free segments' pages to the kernel.",
    );
  }
  if (f.dead > 4 * MB && f.dead > f.written * 0.25) {
    issues.push(
      `Dead space in segments: ${human(f.dead)} of the ${human(f.written)} written to segments in use hold overwritten, deleted or ` +
        "expired items. The store compacts segments and reuses expired ones as it needs room, so this is not lost, but it is " +
        "memory the keys do not use. Many overwrites of the same keys or mixed TTLs in one segment make it grow.",
    );
  }
  if (m.rss > m.used * 1.5 && m.rss - m.used > 256 * MB) {
    const pool = server.engineName === "uring" ? server.options.uring.buffer_count * server.options.uring.buffer_size : 0;
    issues.push(
      `High RSS: the process is resident in ${human(m.rss)} while Crucible accounts for ${human(m.used)} (ratio ` +
        `${(m.rss / Math.max(1, m.used)).toFixed(2)}). Besides the Bun runtime` +
        (pool > 0 ? ` and the io_uring receive pool (${human(pool)})` : "") +
        ", the difference is mostly arena pages touched earlier by segments that are free now; MEMORY PURGE hands them back.",
    );
  }
  const capacity = st.segmentsTotal * st.segmentSizeBytes;
  const filled = capacity > 0 ? (st.usedBytes + st.largeBytes) / capacity : 0;
  if (filled > 0.9) {
    issues.push(
      server.options.cache.eviction === "noeviction"
        ? `Heap nearly full: ${(filled * 100).toFixed(1)}% of heap_size (${human(st.heapSizeBytes)}) is in use and the policy is ` +
            "noeviction: writes that need more room will be refused with -OOM. Raise [cache] heap_size, delete keys, or choose an " +
            "evicting policy (CONFIG SET maxmemory-policy s3fifo)."
        : `Heap full: ${(filled * 100).toFixed(1)}% of heap_size (${human(st.heapSizeBytes)}) is in use and ${st.evictedKeys} keys ` +
            `were evicted so far by ${server.options.cache.eviction}. If evictions are not what you want, raise [cache] heap_size.`,
    );
  }
  const clients = server.sessions.size;
  if (clients > 0 && m.clients / clients > 200 * 1024) {
    issues.push(
      `Big client buffers: the ${clients} clients hold ${human(m.clients)} of query and reply buffers, ${human(m.clients / clients)} ` +
        "each on average. Clients that pipeline large requests or do not read their replies cause it; CLIENT LIST shows qbuf and " +
        "omem per client, and client-output-buffer-limit bounds replies.",
    );
  }
  const slots = st.hashtableBuckets * 8;
  if (slots > 0 && (st.items / slots > 0.75 || st.hashtableOverflowBuckets > st.hashtableBuckets / 8)) {
    issues.push(
      `Crowded index: ${st.items} keys in ${slots} hashtable slots (load ${(st.items / slots).toFixed(2)}, ` +
        `${st.hashtableOverflowBuckets} overflow buckets). Lookups walk overflow chains; raise [cache] hashtable_power ` +
        "(each step doubles the slots) at the next restart.",
    );
  }
  if (issues.length === 0) {
    return (
      `Hi Sam, I found nothing wrong with this instance's memory: ${human(m.used)} in use (peak ${human(m.peak)}), ` +
      `${f.keys} keys, ${st.segmentsTotal - st.segmentsFree} of ${st.segmentsTotal} segments in use, RSS ${human(m.rss)}. ` +
      "I can only vouch for what Crucible itself accounts for; redis-cli --bigkeys and --memkeys look at the keys.\n"
    );
  }
  return (
    `Sam, I looked over this Crucible instance's memory and found ${issues.length === 1 ? "one thing" : `${issues.length} things`} ` +
    "worth your attention:\n\n" +
    issues.map((i) => ` * ${i}\n\n`).join("") +
    "redis-cli --bigkeys and --memkeys find the biggest keys, MEMORY STATS and INFO memory give the numbers.\n"
  );
}

/** MEMORY MALLOC-STATS: what holds Crucible's memory, in place of an allocator's own report. */
export function mallocStats(server: Server): string {
  const f = facts(server);
  const { m, st } = f;
  const mu = process.memoryUsage();
  let objects = "";
  try {
    objects = String(heapStats().objectCount);
  } catch {
    objects = "unknown";
  }
  const pages = server.placement?.pageSize ?? "4k";
  const line = (name: string, value: string | number) => `  ${(name + ":").padEnd(26)}${value}\n`;
  return (
    "Crucible keeps keys and values in its own arena of fixed-size segments, not in a general-purpose allocator;\n" +
    "collections and large values live in a side table of JavaScript objects charged against heap_size.\n" +
    "Everything else is Bun's: JavaScriptCore's garbage-collected heap, and mimalloc for native allocations.\n\n" +
    "Arena (keys and values)\n" +
    line("heap_size", `${st.heapSizeBytes} (${human(st.heapSizeBytes)})`) +
    line("pages", pages + (server.placement ? `, NUMA node ${server.placement.numaNode}` : "")) +
    line("thp advised bytes", server.hugePages.advisedBytes) +
    line("segment size", st.segmentSizeBytes) +
    line("segments", `${st.segmentsTotal} total, ${st.segmentsTotal - st.segmentsFree} in use, ${st.segmentsFree} free`) +
    line("bytes in used segments", st.usedBytes) +
    line("bytes written to them", f.written) +
    line("live item bytes", f.arenaLive) +
    line("dead item bytes", f.dead) +
    line("side table bytes", st.largeBytes) +
    line("compacted segments", st.compactedSegments) +
    line("evicted segments", st.evictedSegments) +
    line("expired segments", st.expiredSegments) +
    "\nIndex\n" +
    line("hashtable bytes", f.indexBytes) +
    line("buckets", `${st.hashtableBuckets} main, ${st.hashtableOverflowBuckets} overflow in use`) +
    line("items", st.items) +
    `\nJavaScript runtime (Bun ${Bun.version})\n` +
    line("heap used", mu.heapUsed) +
    line("heap total", mu.heapTotal) +
    line("external", mu.external) +
    line("array buffers", mu.arrayBuffers) +
    line("live objects", objects) +
    line(PURGE_DELAY_ENV, process.env[PURGE_DELAY_ENV] ?? "unset (mimalloc's default, 10 ms)") +
    "\nProcess\n" +
    line("used_memory", m.used) +
    line("rss", m.rss) +
    line("peak", m.peak)
  );
}

/** What MEMORY PURGE did, for the log. */
export interface PurgeResult {
  expiredSegments: number;
  releasedBytes: number;
  /** Why no pages were released, when none were. */
  why: string;
}

/**
 * MEMORY PURGE: reclaim every fully expired segment, run a full garbage collection (freed
 * collections and large values), and hand the free segments' pages back to the kernel
 * (madvise MADV_DONTNEED), so RSS falls to what is in use. Pages of explicit hugepages
 * cannot be given back piecemeal, so the arena is left alone on them.
 */
export function memoryPurge(server: Server): PurgeResult {
  const store = server.store;
  const expiredSegments = store.reclaimAllExpired();
  Bun.gc(true);
  const pages = server.placement?.pageSize ?? "4k";
  let releasedBytes = 0;
  let why = "";
  if (pages !== "4k") {
    why = `the arena is on ${pages} hugepages`;
  } else {
    // Free segments side by side in one chunk go as one range.
    const ranges: { view: Uint8Array; offset: number; length: number }[] = [];
    store.forEachFreeSegment((view, offset, length) => {
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last.view === view && last.offset + last.length === offset) last.length += length;
      else ranges.push({ view, offset, length });
    });
    const result = releasePages(ranges);
    releasedBytes = result.released;
    if ("why" in result) why = result.why;
  }
  server.log.info("MEMORY PURGE", { expired_segments: expiredSegments, free_segment_bytes: releasedBytes, ...(why !== "" ? { why } : {}) });
  return { expiredSegments, releasedBytes, why };
}
