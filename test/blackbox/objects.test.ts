// Collections as store objects: TYPE, OBJECT ENCODING, MEMORY USAGE, generic key commands
// (COPY, RENAME, EXPIRE, DEL) on them, and their memory counted against heap_size, evicted
// under an eviction policy and refused with -OOM under noeviction.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import { exchangeResp, startRedis, type RedisServer } from "../helpers/redis.ts";
import { startServer, waitFor, type TestServer } from "../helpers/server.ts";

let ours: TestServer;
let theirs: RedisServer;
beforeAll(async () => {
  [ours, theirs] = await Promise.all([startServer(), startRedis()]);
});
afterAll(async () => {
  await theirs.stop();
  expect(await ours.stop()).toBe(0);
});

async function both(script: string[][]): Promise<void> {
  const [a, b] = await Promise.all([exchangeResp(ours.port, script), exchangeResp(theirs.port, script)]);
  expect(a).toBe(b);
}

describe("generic commands on collections match redis-server", () => {
  test("TYPE, OBJECT ENCODING, WRONGTYPE both ways", async () => {
    await both([
      ["DEL", "h", "l", "s", "str"], ["HSET", "h", "f", "v"], ["RPUSH", "l", "a"], ["SADD", "s", "1", "2"], ["SET", "str", "x"],
      ["TYPE", "h"], ["TYPE", "l"], ["TYPE", "s"],
      ["OBJECT", "ENCODING", "h"], ["OBJECT", "ENCODING", "l"], ["OBJECT", "ENCODING", "s"],
      ["GET", "h"], ["APPEND", "l", "x"], ["INCR", "s"], ["HGET", "str", "f"], ["LPUSH", "h", "x"], ["SADD", "l", "x"],
      ["DEL", "h", "l", "s", "str"],
    ]);
  });
  test("COPY, RENAME, EXPIRE, PERSIST and DEL on collections", async () => {
    await both([
      ["DEL", "src", "dst", "moved"], ["HSET", "src", "a", "1", "b", "2"], ["COPY", "src", "dst"], ["HSET", "dst", "a", "changed"],
      ["HGET", "src", "a"], ["HGET", "dst", "a"], ["RENAME", "dst", "moved-to-a-longer-name"], ["HGETALL", "moved-to-a-longer-name"],
      ["EXPIRE", "src", "100"], ["TTL", "src"], ["PERSIST", "src"], ["TTL", "src"], ["HLEN", "src"],
      ["DEL", "src", "moved-to-a-longer-name"], ["EXISTS", "src", "moved-to-a-longer-name"],
      ["RPUSH", "lst", "x", "y"], ["COPY", "lst", "lst2"], ["LPOP", "lst2"], ["LRANGE", "lst", "0", "-1"], ["DEL", "lst", "lst2"],
    ]);
  });
  test("a collection whose last element goes is deleted", async () => {
    await both([["DEL", "e"], ["RPUSH", "e", "only"], ["LPOP", "e"], ["EXISTS", "e"], ["TYPE", "e"]]);
  });
});

describe("MEMORY USAGE", () => {
  test("grows with the collection and is nil for a missing key", async () => {
    const r = new Redis({ port: ours.port, host: "127.0.0.1" });
    try {
      await r.del("mu");
      expect(await r.call("MEMORY", "USAGE", "mu")).toBeNull();
      await r.hset("mu", "f", "v");
      const small = (await r.call("MEMORY", "USAGE", "mu")) as number;
      const fields: string[] = [];
      for (let i = 0; i < 1000; i++) fields.push(`field-${i}`, "x".repeat(100));
      await r.hset("mu", ...fields);
      const big = (await r.call("MEMORY", "USAGE", "mu", "SAMPLES", "5")) as number;
      expect(small).toBeGreaterThan(0);
      expect(big).toBeGreaterThan(small + 100_000);
      await r.set("mu-str", "hello");
      expect((await r.call("MEMORY", "USAGE", "mu-str")) as number).toBeLessThan(64);
      await expect(r.call("MEMORY", "USAGE", "mu", "BAD", "1")).rejects.toThrow("ERR syntax error");
    } finally {
      r.disconnect();
    }
  });
});

describe("collections under the memory limit", () => {
  test("they are evicted under an eviction policy and the store stays within heap_size", async () => {
    const server = await startServer({ set: ["cache.heap_size=8MB", "cache.segment_size=1MB", "cache.eviction=fifo"] });
    const r = new Redis({ port: server.port, host: "127.0.0.1" });
    try {
      const members: string[] = [];
      for (let i = 0; i < 500; i++) members.push(`member-${i}-${"y".repeat(40)}`);
      for (let k = 0; k < 200; k++) await r.sadd(`set:${k}`, ...members);
      const info = await r.info("stats");
      expect(Number(/evicted_keys:(\d+)/.exec(info)?.[1])).toBeGreaterThan(0);
      expect(await r.dbsize()).toBeLessThan(200);
      expect(await r.scard("set:199")).toBe(500);
    } finally {
      r.disconnect();
      await server.stop();
    }
  });

  test("under noeviction a full store answers -OOM and keeps what it has", async () => {
    const server = await startServer({ set: ["cache.heap_size=8MB", "cache.segment_size=1MB", "cache.eviction=noeviction"] });
    const r = new Redis({ port: server.port, host: "127.0.0.1" });
    try {
      let oom = "";
      const value = "z".repeat(1000);
      for (let i = 0; i < 20_000 && oom === ""; i++) {
        try {
          await r.rpush("big", value, value, value, value, value);
        } catch (e) {
          oom = String(e);
        }
      }
      expect(oom).toContain("OOM command not allowed");
      const len = await r.llen("big");
      expect(len).toBeGreaterThan(1000);
      expect(await r.lindex("big", 0)).toBe(value);
      await r.del("big");
      await waitFor(async () => (await r.rpush("after", "ok")) === 1, 5000, "room after DEL");
    } finally {
      r.disconnect();
      await server.stop();
    }
  });
});
