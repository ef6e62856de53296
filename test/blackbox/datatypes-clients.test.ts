// The data types through the clients applications use: ioredis (RESP2, its command helpers,
// pipelines, MULTI, blocking pops, pub/sub), Bun's built-in Redis client (RESP3: maps, sets,
// doubles) and redis-cli's printing. Every test runs against Crucible and against a real
// redis-server 7.0 started here, so each expectation is Redis's own behaviour.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import Redis from "ioredis";
import { type RedisServer, startRedis } from "../helpers/redis.ts";
import { redisCli, startServer, type TestServer } from "../helpers/server.ts";

let ours: TestServer;
let theirs: RedisServer;
beforeAll(async () => {
  [ours, theirs] = await Promise.all([startServer(), startRedis()]);
});
afterAll(async () => {
  await theirs?.stop();
  expect(await ours?.stop()).toBe(0);
});

const servers = [["crucible", () => ours.port], ["redis-server", () => theirs.port]] as const;

function io(port: number): Redis {
  return new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 0 });
}

describe.each(servers)("ioredis against %s", (_name, port) => {
  test("hashes", async () => {
    const r = io(port());
    try {
      await r.del("io:h");
      expect(await r.hset("io:h", { a: "1", b: "2", c: "x" })).toBe(3);
      expect(await r.hgetall("io:h")).toEqual({ a: "1", b: "2", c: "x" });
      expect(await r.hmget("io:h", "a", "zz", "c")).toEqual(["1", null, "x"]);
      expect(await r.hincrby("io:h", "a", 41)).toBe(42);
      expect(await r.hincrbyfloat("io:h", "b", "0.5")).toBe("2.5");
      await expect(r.hincrby("io:h", "c", 1)).rejects.toThrow("ERR hash value is not an integer");
      expect(await r.hdel("io:h", "a", "b", "c")).toBe(3);
      expect(await r.exists("io:h")).toBe(0);
    } finally {
      r.disconnect();
    }
  });

  test("lists, and a blocked BLPOP woken by another client", async () => {
    const r = io(port());
    const blocker = io(port());
    try {
      await r.del("io:l", "io:q");
      expect(await r.rpush("io:l", "a", "b", "c")).toBe(3);
      expect(await r.lrange("io:l", 0, -1)).toEqual(["a", "b", "c"]);
      expect(await r.lpop("io:l", 2)).toEqual(["a", "b"]);
      expect(await r.lmove("io:l", "io:l2", "LEFT", "RIGHT")).toBe("c");
      const popped = blocker.blpop("io:q", 5);
      await Bun.sleep(50);
      await r.rpush("io:q", "woken");
      expect(await popped).toEqual(["io:q", "woken"]);
      expect(await blocker.blpop("io:empty", 0.05)).toBeNull();
    } finally {
      r.disconnect();
      blocker.disconnect();
    }
  });

  test("sets and sorted sets", async () => {
    const r = io(port());
    try {
      await r.del("io:s1", "io:s2", "io:z", "io:zu");
      await r.sadd("io:s1", "a", "b", "c");
      await r.sadd("io:s2", "b", "c", "d");
      expect((await r.sinter("io:s1", "io:s2")).sort()).toEqual(["b", "c"]);
      expect(await r.smismember("io:s1", "a", "d")).toEqual([1, 0]);
      expect(await r.zadd("io:z", "1", "one", "2.5", "two", "+inf", "top")).toBe(3);
      expect(await r.zrange("io:z", "0", "-1", "WITHSCORES")).toEqual(["one", "1", "two", "2.5", "top", "inf"]);
      expect(await r.zincrby("io:z", 1.5, "one")).toBe("2.5");
      expect(await r.zrangebyscore("io:z", "(2.5", "+inf")).toEqual(["top"]);
      expect(await r.zunionstore("io:zu", 2, "io:z", "io:s1", "WEIGHTS", 2, 1)).toBe(6);
      expect(await r.zscore("io:zu", "two")).toBe("5");
      expect(await r.zpopmax("io:z")).toEqual(["top", "inf"]);
      await expect(r.zadd("io:z", "nan", "x")).rejects.toThrow("ERR value is not a valid float");
    } finally {
      r.disconnect();
    }
  });

  test("MULTI/EXEC, and WATCH losing a race to another client", async () => {
    const a = io(port());
    const b = io(port());
    try {
      await a.del("io:w");
      expect(await a.multi().hset("io:w", "f", "1").hget("io:w", "f").exec()).toEqual([[null, 1], [null, "1"]]);
      await a.watch("io:w");
      await b.hset("io:w", "f", "2");
      expect(await a.multi().hset("io:w", "f", "3").exec()).toBeNull();
      expect(await a.hget("io:w", "f")).toBe("2");
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  test("pub/sub: a pattern subscriber and a keyspace event", async () => {
    const sub = io(port());
    const r = io(port());
    try {
      const got: string[] = [];
      sub.on("pmessage", (_p: string, channel: string, message: string) => got.push(`${channel}=${message}`));
      await sub.psubscribe("io:news:*", "__keyevent@0__:lpush");
      await r.config("SET", "notify-keyspace-events", "El");
      expect(await r.publish("io:news:today", "hello")).toBe(1);
      await r.lpush("io:ev", "x");
      for (let i = 0; i < 100 && got.length < 2; i++) await Bun.sleep(10);
      expect(got).toEqual(["io:news:today=hello", "__keyevent@0__:lpush=io:ev"]);
    } finally {
      await r.config("SET", "notify-keyspace-events", "");
      sub.disconnect();
      r.disconnect();
    }
  });
});

describe.each(servers)("Bun's Redis client (RESP3) against %s", (_name, port) => {
  test("maps, sets, doubles and nulls decode to JavaScript values", async () => {
    const c = new RedisClient(`redis://127.0.0.1:${port()}`);
    try {
      await c.send("DEL", ["bun:h", "bun:s", "bun:z", "bun:l"]);
      await c.send("HSET", ["bun:h", "f1", "v1", "f2", "v2"]);
      expect(await c.send("HGETALL", ["bun:h"])).toEqual({ f1: "v1", f2: "v2" });
      expect(await c.hget("bun:h", "f1")).toBe("v1");
      await c.sadd("bun:s", "m");
      expect(await c.smembers("bun:s")).toEqual(["m"]);
      expect(await c.sismember("bun:s", "m")).toBe(true);
      await c.send("ZADD", ["bun:z", "1.5", "a", "2", "b"]);
      expect(await c.send("ZSCORE", ["bun:z", "a"])).toBe(1.5);
      expect(await c.send("ZRANGE", ["bun:z", "0", "-1", "WITHSCORES"])).toEqual([["a", 1.5], ["b", 2]]);
      expect(await c.send("ZMSCORE", ["bun:z", "b", "nope"])).toEqual([2, null]);
      expect(await c.send("RPUSH", ["bun:l", "x", "y"])).toBe(2);
      expect(await c.send("LPOS", ["bun:l", "nope"])).toBeNull();
      expect(await c.send("SORT", ["bun:l", "ALPHA", "DESC"])).toEqual(["y", "x"]);
      expect(await c.send("TYPE", ["bun:z"])).toBe("zset");
    } finally {
      c.close();
    }
  });
});

describe.each(servers)("redis-cli against %s", (_name, port) => {
  test("prints collections as Redis does", async () => {
    const cli = (...args: string[]) => redisCli(port(), ["--no-raw", ...args]).then((r) => r.stdout);
    await cli("DEL", "cli:h", "cli:z", "cli:l");
    await cli("HSET", "cli:h", "f", "v");
    expect(await cli("HGETALL", "cli:h")).toBe('1) "f"\n2) "v"\n');
    await cli("ZADD", "cli:z", "1", "a", "2.5", "b");
    expect(await cli("ZRANGE", "cli:z", "0", "-1", "WITHSCORES")).toBe('1) "a"\n2) "1"\n3) "b"\n4) "2.5"\n');
    expect(await cli("-3", "ZRANGE", "cli:z", "0", "-1", "WITHSCORES")).toBe('1) 1) "a"\n   2) (double) 1\n2) 1) "b"\n   2) (double) 2.5\n');
    expect(await cli("LRANGE", "cli:l", "0", "-1")).toBe("(empty array)\n");
    expect(await cli("LPUSH", "cli:z", "x")).toBe("(error) WRONGTYPE Operation against a key holding the wrong kind of value\n");
    expect(await cli("BLPOP", "cli:l", "0.05")).toBe("(nil)\n");
  });
});
