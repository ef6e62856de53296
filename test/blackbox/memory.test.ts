import { describe, expect, test } from "bun:test";
import { transparentHugePageMode } from "../../ffi/index.ts";
import { RawClient } from "../helpers/raw.ts";
import { startServer } from "../helpers/server.ts";
import { hugeAdvisedBytes } from "../helpers/smaps.ts";

const thpUsable = !["never", null].includes(transparentHugePageMode());

function infoField(info: string, name: string): number {
  return Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)![1]);
}

describe("store memory", () => {
  test.skipIf(!thpUsable)("the arena and index are advised for transparent hugepages, and INFO says so", async () => {
    const heap = 64 * 1024 * 1024;
    const server = await startServer({ set: [`cache.heap_size=${heap}`, "cache.hashtable_power=20"] });
    try {
      const client = await RawClient.connect(server.port);
      const advised = infoField(String(await client.call("INFO", "memory")), "mem_thp_advised_bytes");
      // The arena (64 MiB) and the 8 MiB index, less the partial 2 MiB pages at their ends.
      expect(advised).toBeGreaterThanOrEqual(heap + 8 * 1024 * 1024 - 2 * 4 * 1024 * 1024);
      expect(hugeAdvisedBytes(server.proc.pid)).toBeGreaterThanOrEqual(advised);
      expect(server.logs()).toContain("transparent hugepages advised");
      // Advice changes nothing about what is stored.
      expect(await client.call("SET", "k", "v")).toBe("OK");
      expect(await client.call("GET", "k")).toBe("v");
      client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test("a heap too small for a whole hugepage starts on 4 KiB pages and says why", async () => {
    const server = await startServer({ set: ["cache.heap_size=1MB", "cache.segment_size=64KB", "cache.hashtable_power=10"] });
    try {
      const client = await RawClient.connect(server.port);
      expect(infoField(String(await client.call("INFO", "memory")), "mem_thp_advised_bytes")).toBe(0);
      expect(server.logs()).toContain("store memory: 4 KiB pages");
      client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
