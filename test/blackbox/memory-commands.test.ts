// MEMORY STATS, DOCTOR, MALLOC-STATS, PURGE, USAGE and HELP, and OBJECT's subcommands
// under each eviction policy. Errors, help texts and reply shapes are compared with a real
// redis-server 7.0; the numbers with what the test stored and with INFO memory.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient, resp } from "../helpers/raw.ts";
import { exchangeResp, type RedisServer, splitReplies, startRedis } from "../helpers/redis.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let ours: TestServer;
let theirs: RedisServer;
let c: RawClient;

beforeAll(async () => {
  [ours, theirs] = await Promise.all([startServer(), startRedis()]);
  c = await RawClient.connect(ours.port);
});
afterAll(async () => {
  c?.close();
  await theirs?.stop();
  expect(await ours?.stop()).toBe(0);
});

async function both(script: string[][], hello3 = false): Promise<[string[], string[]]> {
  const [a, b] = await Promise.all([exchangeResp(ours.port, script, { hello3 }), exchangeResp(theirs.port, script, { hello3 })]);
  return [splitReplies(a), splitReplies(b)];
}

async function sameAsRedis(script: string[][], hello3 = false): Promise<void> {
  const [mine, ref] = await both(script, hello3);
  for (let i = 0; i < script.length; i++) expect({ cmd: script[i], reply: mine[i] }).toEqual({ cmd: script[i], reply: ref[i] });
}

function infoField(text: string, field: string): string {
  return text.split(/\r?\n/).find((l) => l.startsWith(`${field}:`))?.slice(field.length + 1) ?? "";
}

/** MEMORY STATS as a name → value object (RESP2's flat array). */
async function stats(): Promise<Record<string, unknown>> {
  const flat = (await c.call("MEMORY", "STATS")) as unknown[];
  const out: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i] as string] = flat[i + 1];
  return out;
}

/** Store `count` values of `bytes` each under prefix, pipelined. */
async function fill(prefix: string, count: number, bytes: number, client = c): Promise<void> {
  const value = "m".repeat(bytes);
  const batch = 500;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    for (let j = 0; j < n; j++) client.write(resp("SET", `${prefix}${i + j}`, value));
    for (let j = 0; j < n; j++) expect(await client.reply()).toBe("OK");
  }
}

describe("MEMORY's subcommands against Redis 7.0", () => {
  test("HELP, unknown subcommands, arity and MEMORY USAGE's option errors are Redis's", async () => {
    await c.call("SET", "mu", "value");
    const redis = await RawClient.connect(theirs.port);
    await redis.call("SET", "mu", "value");
    redis.close();
    await sameAsRedis([
      ["MEMORY", "HELP"],
      ["MEMORY", "help"],
      ["MEMORY"],
      ["MEMORY", "NOSUCH"],
      ["MEMORY", "HELP", "x"],
      ["MEMORY", "STATS", "x"],
      ["MEMORY", "DOCTOR", "x"],
      ["MEMORY", "MALLOC-STATS", "x"],
      ["MEMORY", "PURGE", "x"],
      ["MEMORY", "PURGE"],
      ["MEMORY", "USAGE"],
      ["MEMORY", "USAGE", "mu", "SAMPLES"],
      ["MEMORY", "USAGE", "mu", "SAMPLES", "-1"],
      ["MEMORY", "USAGE", "mu", "SAMPLES", "x"],
      ["MEMORY", "USAGE", "mu", "FOO"],
      ["MEMORY", "USAGE", "mu", "SAMPLES", "1", "FOO"],
      ["MEMORY", "USAGE", "nokey"],
      ["MEMORY", "USAGE", "nokey", "SAMPLES", "0", "samples", "7"],
      ["MEMORY", "USAGE", "nokey", "SAMPLES", "-1"],
    ]);
    expect(await c.call("MEMORY", "USAGE", "mu", "SAMPLES", "0", "SAMPLES", "3")).toBe(await c.call("MEMORY", "USAGE", "mu"));
  });

  test("STATS has Redis 7.0's fields in Redis's order, then Crucible's; a map in RESP3 with doubles for ratios", async () => {
    const mineNames = Object.keys(await stats());
    const redis = await RawClient.connect(theirs.port);
    const flat = (await redis.call("MEMORY", "STATS")) as unknown[];
    redis.close();
    const refNames = flat.filter((_, i) => i % 2 === 0) as string[];
    const redisOnly = refNames.filter((n) => !mineNames.includes(n));
    expect(redisOnly).toEqual([]);
    // Same relative order for the names both have; Crucible's own come after Redis's.
    expect(mineNames.filter((n) => refNames.includes(n) || /^db\.\d+$/.test(n))).toEqual(refNames.filter((n) => mineNames.includes(n)));
    expect(mineNames.slice(refNames.length)).toEqual([
      "arena.bytes", "arena.segment-bytes", "arena.segments.used", "arena.segments.free", "arena.live.bytes", "arena.dead.bytes", "objects.bytes",
      "index.bytes", "js-heap.bytes",
    ]);
    const raw = await exchangeResp(ours.port, [["MEMORY", "STATS"]], { hello3: true });
    expect(raw).toMatch(/^%\d+\r\n/);
    expect(raw).toMatch(/\$18\r\ndataset.percentage\r\n,[\d.e+-]+\r\n/);
    expect(raw).toMatch(/\$13\r\nfragmentation\r\n,[\d.e+-]+\r\n/);
    expect(raw).toMatch(/\$4\r\ndb\.0\r\n%3\r\n\$23\r\noverhead\.hashtable\.main\r\n:\d+\r\n/);
  });

  test("STATS' numbers follow the data and agree with INFO memory", async () => {
    expect(await c.call("FLUSHALL")).toBe("OK");
    const empty = await stats();
    expect(empty["keys.count"]).toBe(0);
    expect(Object.keys(empty).some((k) => k.startsWith("db."))).toBe(false);
    await fill("st:", 2000, 1000);
    expect(await c.call("SELECT", "3")).toBe("OK");
    expect(await c.call("SET", "in3", "x")).toBe("OK");
    expect(await c.call("SELECT", "0")).toBe("OK");
    const s = await stats();
    expect(s["keys.count"]).toBe(2001);
    expect(Array.isArray(s["db.0"]) && Array.isArray(s["db.3"])).toBe(true);
    expect((s["db.0"] as unknown[])[0]).toBe("overhead.hashtable.main");
    expect(s["dataset.bytes"] as number).toBeGreaterThan(2000 * 1000);
    expect(s["arena.live.bytes"] as number).toBeGreaterThan(2000 * 1000);
    expect(s["peak.allocated"] as number).toBeGreaterThanOrEqual(s["total.allocated"] as number);
    expect(s["overhead.total"]).toBe((s["total.allocated"] as number) - (s["dataset.bytes"] as number));
    expect(s["arena.segments.used"] as number).toBeGreaterThan(0);
    expect((s["arena.segments.used"] as number) + (s["arena.segments.free"] as number)).toBe(1024);
    expect(s["arena.bytes"]).toBe(1024 ** 3);
    expect(Number(s["dataset.percentage"])).toBeGreaterThan(0);
    expect(Number(s["peak.percentage"])).toBeLessThanOrEqual(100);
    const info = (await c.call("INFO", "memory")) as string;
    expect(infoField(info, "used_memory_dataset")).toBe(String(s["dataset.bytes"]));
    expect(infoField(info, "used_memory_startup")).toBe(String(s["startup.allocated"]));
    const ratio = Number(infoField(info, "mem_fragmentation_ratio"));
    expect(Math.abs(Number(s.fragmentation) - ratio)).toBeLessThan(0.2);
  });
});

describe("MEMORY DOCTOR, MALLOC-STATS and PURGE", () => {
  test("DOCTOR: too little data, then nothing wrong, then the findings after a flush and after overwrites", async () => {
    const fresh = await startServer();
    try {
      const f = await RawClient.connect(fresh.port);
      expect(await f.call("MEMORY", "DOCTOR")).toStartWith("Hi Sam, this instance has held less than 5 MB since it started");
      await fill("doc:", 10_000, 1000, f);
      const fine = (await f.call("MEMORY", "DOCTOR")) as string;
      expect(fine).toStartWith("Hi Sam, I found nothing wrong with this instance's memory:");
      expect(fine).toContain("10000 keys");
      // Deleting every other key leaves dead items in the segments.
      for (let i = 0; i < 10_000; i += 2) f.write(resp("DEL", `doc:${i}`));
      for (let i = 0; i < 10_000; i += 2) expect(await f.reply()).toBe(1);
      const dead = (await f.call("MEMORY", "DOCTOR")) as string;
      expect(dead).toStartWith("Sam, I looked over this Crucible instance's memory and found");
      expect(dead).toContain(" * Dead space in segments: ");
      await fill("big:", 15_000, 4000, f);
      // The peak is sampled (by the cron each second, INFO and MEMORY): take a sample at it.
      expect(await f.call("INFO", "memory")).toContain("used_memory_peak:");
      expect(await f.call("FLUSHALL")).toBe("OK");
      const peak = (await f.call("MEMORY", "DOCTOR")) as string;
      expect(peak).toContain(" * Peak memory: at its peak this instance accounted for ");
      // RESP3: a verbatim string, as Redis sends it.
      expect(await exchangeResp(fresh.port, [["MEMORY", "DOCTOR"]], { hello3: true })).toMatch(/^=\d+\r\ntxt:Sam, I looked over/);
      f.close();
    } finally {
      expect(await fresh.stop()).toBe(0);
    }
  });

  test("MALLOC-STATS says what holds the memory", async () => {
    const text = (await c.call("MEMORY", "MALLOC-STATS")) as string;
    expect(text).toContain("own arena of fixed-size segments");
    expect(text).toContain("mimalloc");
    expect(text).toMatch(/heap_size: +1073741824 \(1\.00G\)/);
    expect(text).toMatch(/segments: +1024 total, \d+ in use, \d+ free/);
    expect(text).toMatch(/MIMALLOC_PURGE_DELAY: +\S+/);
    expect(await exchangeResp(ours.port, [["MEMORY", "MALLOC-STATS"]], { hello3: true })).toMatch(/^=\d+\r\ntxt:Crucible keeps/);
  });

  test("PURGE hands free segments' pages back: RSS falls after a flush; the data written after is intact", async () => {
    const fresh = await startServer();
    try {
      const f = await RawClient.connect(fresh.port);
      await fill("p:", 20_000, 4000, f);
      expect(await f.call("FLUSHALL")).toBe("OK");
      const rss = async () => Number(infoField((await f.call("INFO", "memory")) as string, "used_memory_rss"));
      const before = await rss();
      expect(await f.call("MEMORY", "PURGE")).toBe("OK");
      const after = await rss();
      expect(before - after).toBeGreaterThan(40 * 1024 * 1024);
      expect(fresh.logs()).toMatch(/"MEMORY PURGE"[^\n]*"free_segment_bytes":\d+/);
      // Pages given back read as fresh memory: new data lands there and reads back right.
      await fill("q:", 5000, 3000, f);
      expect(await f.call("DBSIZE")).toBe(5000);
      expect(await f.call("STRLEN", "q:4999")).toBe(3000);
      expect(await f.call("GET", "q:0")).toBe("m".repeat(3000));
      f.close();
    } finally {
      expect(await fresh.stop()).toBe(0);
    }
  });
});

describe("OBJECT under each eviction policy", () => {
  test("HELP and the errors are Redis's", async () => {
    await sameAsRedis([
      ["OBJECT", "HELP"],
      ["OBJECT"],
      ["OBJECT", "NOSUCH"],
      ["OBJECT", "HELP", "x"],
      ["OBJECT", "FREQ"],
      ["OBJECT", "ENCODING", "a", "b"],
      ["OBJECT", "FREQ", "nokey"],
      ["OBJECT", "IDLETIME", "nokey"],
      ["OBJECT", "REFCOUNT", "nokey"],
      ["OBJECT", "ENCODING", "nokey"],
    ]);
  });

  test("FREQ answers under an LFU policy and IDLETIME under the others, with Redis's errors, switching at runtime", async () => {
    expect(await c.call("SET", "of", "v")).toBe("OK");
    const redis = await RawClient.connect(theirs.port);
    expect(await redis.call("SET", "of", "v")).toBe("OK");
    // Redis's default (noeviction) is not LFU; Crucible's fifo neither.
    expect(await c.call("CONFIG", "SET", "maxmemory-policy", "fifo")).toBe("OK");
    expect(await c.call("OBJECT", "FREQ", "of")).toEqual(await redis.call("OBJECT", "FREQ", "of"));
    expect(await c.call("OBJECT", "IDLETIME", "of")).toBe(0);
    expect(await c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")).toBe("OK");
    expect(await redis.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")).toBe("OK");
    expect(await c.call("OBJECT", "IDLETIME", "of")).toEqual(await redis.call("OBJECT", "IDLETIME", "of"));
    expect(await c.call("OBJECT", "FREQ", "of")).toBeNumber();
    for (const policy of ["random", "noeviction"]) {
      expect(await c.call("CONFIG", "SET", "maxmemory-policy", policy)).toBe("OK");
      expect(await c.call("OBJECT", "FREQ", "of")).toMatchObject({ error: expect.stringContaining("An LFU maxmemory policy is not selected") });
      expect(await c.call("OBJECT", "IDLETIME", "of")).toBeNumber();
    }
    expect(await c.call("CONFIG", "SET", "maxmemory-policy", "s3fifo")).toBe("OK");
    expect(await c.call("OBJECT", "ENCODING", "of")).toBe(await redis.call("OBJECT", "ENCODING", "of"));
    expect(await c.call("OBJECT", "REFCOUNT", "of")).toBe(1);
    redis.close();
  });
});
