// /metrics' per-command families, errors by type and store figures, read from the shared
// counters at scrape time, and the exposition they make.
import { describe, expect, test } from "bun:test";
import {
  COMMAND_SLOTS, Counter, counters, errorTypes, ErrorStats, metricsText, publishStoreStats, recordCall, recordRejected, resetCounters, setCommandNames,
} from "../../../src/metrics/index.ts";
import { parseExposition } from "../../helpers/prometheus.ts";

// Slots far past the ~220 the server's table numbers, so other tests' calls never land here.
const SLOT = COMMAND_SLOTS - 2;
const OTHER = COMMAND_SLOTS - 1;
const names = Array.from({ length: COMMAND_SLOTS }, (_, i) => `cmd${i}`);
names[SLOT] = "unit|timed";
names[OTHER] = 'odd"name\\';

async function scrape() {
  return parseExposition(await metricsText());
}

describe("per-command metrics", () => {
  test("calls, failures, refusals and a histogram with exact power-of-two buckets", async () => {
    setCommandNames(names);
    const before = await scrape();
    const b = (le: string) => before.value("command_duration_seconds_bucket", { command: "unit|timed", le }) ?? 0;
    const inf0 = b("+Inf");
    // 100 ns, 1000 ns, 1024 ns (on an edge), 1025 ns, 3 ms, 100 s.
    for (const ns of [100, 1000, 1024, 1025, 3e6, 100e9]) recordCall(SLOT, ns, ns === 1000);
    recordRejected(SLOT);
    recordRejected(SLOT);
    const after = await scrape();
    const a = (le: string) => after.value("command_duration_seconds_bucket", { command: "unit|timed", le })!;
    const label = { command: "unit|timed" };
    expect(after.value("commands_total", label)! - (before.value("commands_total", label) ?? 0)).toBe(6);
    expect(after.value("command_failed_total", label)! - (before.value("command_failed_total", label) ?? 0)).toBe(1);
    expect(after.value("command_rejected_total", label)! - (before.value("command_rejected_total", label) ?? 0)).toBe(2);
    expect(a(String(128 / 1e9)) - b(String(128 / 1e9))).toBe(1); // 100 ns
    expect(a(String(512 / 1e9)) - b(String(512 / 1e9))).toBe(1);
    expect(a(String(1024 / 1e9)) - b(String(1024 / 1e9))).toBe(2); // 1000 ns, not yet 1024 ns (buckets hold [lower, upper))
    expect(a(String(2048 / 1e9)) - b(String(2048 / 1e9))).toBe(4); // 1024 and 1025 ns
    expect(a(String(2 ** 22 / 1e9)) - b(String(2 ** 22 / 1e9))).toBe(5); // 3 ms
    expect(a(String(2 ** 35 / 1e9)) - b(String(2 ** 35 / 1e9))).toBe(5); // 100 s is past the last edge
    expect(a("+Inf") - inf0).toBe(6);
    expect(after.value("command_duration_seconds_count", label)! - (before.value("command_duration_seconds_count", label) ?? 0)).toBe(6);
    const sum = after.value("command_duration_seconds_sum", label)! - (before.value("command_duration_seconds_sum", label) ?? 0);
    expect(sum).toBeCloseTo((100 + 1000 + 1024 + 1025 + 3e6 + 100e9) / 1e9, 9);
    expect(after.types.get("command_duration_seconds")).toBe("histogram");
    expect(after.types.get("commands_total")).toBe("counter");
  });

  test("commands never called have no series; refused-only commands count refusals; label values are escaped", async () => {
    setCommandNames(names);
    recordRejected(OTHER);
    const text = await metricsText();
    const e = parseExposition(text);
    expect(text).toContain('command_rejected_total{command="odd\\"name\\\\"}');
    expect(e.value("command_rejected_total", { command: 'odd"name\\' })).toBeGreaterThanOrEqual(1);
    expect(e.value("commands_total", { command: 'odd"name\\' })).toBe(0);
    // No calls: no histogram series for it.
    expect(e.value("command_duration_seconds_count", { command: 'odd"name\\' })).toBeUndefined();
    expect(e.value("commands_total", { command: "cmd300" })).toBeUndefined();
  });
});

describe("errors by type and store figures", () => {
  test("errors_by_type_total has a series per type and counts error replies by code", async () => {
    const before = await scrape();
    const stats = new ErrorStats();
    stats.record("WRONGTYPE Operation against a key holding the wrong kind of value");
    stats.record("ERR syntax error");
    stats.record("CUSTOMCODE something");
    const after = await scrape();
    for (const type of errorTypes) expect(after.value("errors_by_type_total", { type })).toBeDefined();
    const d = (type: string) => after.value("errors_by_type_total", { type })! - before.value("errors_by_type_total", { type })!;
    expect([d("WRONGTYPE"), d("ERR"), d("other"), d("OOM")]).toEqual([1, 1, 1, 0]);
  });

  test("the store's figures published by the cron, kept across CONFIG RESETSTAT", async () => {
    publishStoreStats({ evictedKeys: 7, expiredKeys: 9, usedBytes: 3 << 20, largeBytes: 1000, segmentsTotal: 8, segmentSizeBytes: 1 << 20 });
    let e = await scrape();
    expect(e.value("cache_evictions_total")).toBe(7);
    expect(e.value("cache_expirations_total")).toBe(9);
    expect(e.value("memory_arena_used_bytes")).toBe(3 << 20);
    expect(e.value("memory_arena_free_bytes")).toBe((5 << 20) - 1000);
    expect(e.value("memory_object_store_bytes")).toBe(1000);
    counters[Counter.cacheHits] = 5;
    resetCounters();
    e = await scrape();
    expect(e.value("cache_hits_total")).toBe(0);
    expect(e.value("cache_evictions_total")).toBe(7);
    expect(e.value("memory_arena_used_bytes")).toBe(3 << 20);
    publishStoreStats({ evictedKeys: 0, expiredKeys: 0, usedBytes: 0, largeBytes: 0, segmentsTotal: 0, segmentSizeBytes: 0 });
  });

  test("the whole exposition parses", async () => {
    const e = await scrape();
    for (const name of ["cache_hits_total", "cache_evictions_total", "memory_arena_free_bytes", "errors_by_type_total", "process_resident_memory_bytes"]) {
      expect(e.types.has(name)).toBe(true);
    }
  });
});
