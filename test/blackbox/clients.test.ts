import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import { RedisClient } from "bun";
import { redisCli, startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

describe("redis-cli", () => {
  test("commands, replies and errors as redis-cli prints them", async () => {
    expect((await redisCli(server.port, ["PING"])).stdout).toBe("PONG\n");
    expect((await redisCli(server.port, ["SET", "cli:k", "hello world"])).stdout).toBe("OK\n");
    expect((await redisCli(server.port, ["GET", "cli:k"])).stdout).toBe("hello world\n");
    expect((await redisCli(server.port, ["--no-raw", "GET", "cli:nope"])).stdout).toBe("(nil)\n");
    expect((await redisCli(server.port, ["INCR", "cli:n"])).stdout).toBe("1\n");
    expect((await redisCli(server.port, ["--no-raw", "INCR", "cli:k"])).stdout).toBe("(error) ERR value is not an integer or out of range\n");
    const info = await redisCli(server.port, ["INFO", "server"]);
    expect(info.stdout).toContain("redis_version:7.0.0");
  });

  test("interactive mode with command hints reads COMMAND DOCS", async () => {
    const r = await redisCli(server.port, [], "SET cli:i 42\nGET cli:i\nSELECT 3\nDBSIZE\n");
    expect(r.stdout).toContain("OK");
    expect(r.stdout).toContain("42");
    expect(r.stderr).not.toContain("ERR");
  });

  test("--pipe mass insertion", async () => {
    let input = "";
    for (let i = 0; i < 1000; i++) input += `*3\r\n$3\r\nSET\r\n$${`pipe:${i}`.length}\r\npipe:${i}\r\n$1\r\nx\r\n`;
    const r = await redisCli(server.port, ["--pipe"], input);
    expect(r.stdout).toContain("errors: 0, replies: 1000");
  });

  test("RESP3 with -3", async () => {
    const r = await redisCli(server.port, ["-3", "--no-raw", "GET", "cli:missing"]);
    expect(r.stdout).toBe("(nil)\n");
  });
});

describe("ioredis", () => {
  test("strings, TTLs, pipelines and errors", async () => {
    const redis = new Redis({ host: "127.0.0.1", port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    try {
      expect(await redis.set("io:k", "v", "EX", 100)).toBe("OK");
      expect(await redis.get("io:k")).toBe("v");
      const ttl = await redis.ttl("io:k");
      expect(ttl).toBeGreaterThan(98);
      expect(await redis.incrby("io:n", 5)).toBe(5);
      const results = await redis.pipeline().set("io:a", "1").incr("io:a").get("io:a").exec();
      expect(results).toEqual([[null, "OK"], [null, 2], [null, "2"]]);
      expect(await redis.mget("io:a", "io:none")).toEqual(["2", null]);
      await expect(redis.incr("io:k")).rejects.toThrow("ERR value is not an integer or out of range");
      const buf = Buffer.from([0, 1, 2, 255]);
      await redis.set(Buffer.from("io:bin"), buf);
      expect(await redis.getBuffer("io:bin")).toEqual(buf);
      expect(await redis.dbsize()).toBeGreaterThan(0);
      await redis.select(2);
      expect(await redis.dbsize()).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});

describe("Bun's Redis client", () => {
  test("speaks RESP3 to the server", async () => {
    const client = new RedisClient(`redis://127.0.0.1:${server.port}`);
    try {
      await client.set("bun:k", "value");
      expect(await client.get("bun:k")).toBe("value");
      expect(await client.get("bun:missing")).toBeNull();
      expect(await client.incr("bun:n")).toBe(1);
      expect(await client.exists("bun:k")).toBe(true);
      await client.expire("bun:k", 50);
      expect(await client.ttl("bun:k")).toBeGreaterThan(48);
      expect(await client.del("bun:k")).toBe(1);
      const hello = await client.send("HELLO", ["3"]);
      expect(JSON.stringify(hello)).toContain("standalone");
    } finally {
      client.close();
    }
  });
});
