// MULTI/EXEC/DISCARD/WATCH/UNWATCH: replies compared with a real redis-server byte for
// byte, and WATCH races between clients.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import { startServer, waitFor, type TestServer } from "../helpers/server.ts";
import { exchangeResp, startRedis, type RedisServer } from "../helpers/redis.ts";

let ours: TestServer;
let theirs: RedisServer;
beforeAll(async () => {
  [ours, theirs] = await Promise.all([startServer(), startRedis()]);
});
afterAll(async () => {
  await theirs.stop();
  expect(await ours.stop()).toBe(0);
});

async function both(script: string[][], hello3 = false): Promise<[string, string]> {
  const [a, b] = await Promise.all([exchangeResp(ours.port, script, { hello3 }), exchangeResp(theirs.port, script, { hello3 })]);
  return [a, b];
}

describe("transactions match redis-server", () => {
  const cases: Record<string, string[][]> = {
    "queue and execute": [["DEL", "t1"], ["MULTI"], ["SET", "t1", "1"], ["INCR", "t1"], ["GET", "t1"], ["EXEC"]],
    "a runtime error does not abort": [["SET", "t2", "x"], ["MULTI"], ["INCR", "t2"], ["SET", "t2b", "y"], ["GET", "t2b"], ["EXEC"], ["DEL", "t2", "t2b"]],
    "a queuing error aborts with EXECABORT": [["MULTI"], ["SET", "t3"], ["SET", "t3", "v"], ["EXEC"], ["EXISTS", "t3"]],
    "an unknown command aborts": [["MULTI"], ["NOSUCHCMD", "a"], ["EXEC"]],
    "nested MULTI is refused but keeps the transaction": [["MULTI"], ["MULTI"], ["PING"], ["EXEC"]],
    "EXEC and DISCARD without MULTI": [["EXEC"], ["DISCARD"]],
    "DISCARD drops the queue": [["DEL", "t4"], ["MULTI"], ["SET", "t4", "v"], ["DISCARD"], ["EXISTS", "t4"]],
    "WATCH inside MULTI": [["MULTI"], ["WATCH", "x"], ["PING"], ["EXEC"]],
    "empty transaction": [["MULTI"], ["EXEC"]],
    "SELECT inside a transaction": [["MULTI"], ["SELECT", "2"], ["SET", "t5", "db2"], ["SELECT", "0"], ["EXEC"], ["SELECT", "2"], ["GET", "t5"], ["DEL", "t5"], ["SELECT", "0"]],
    "WATCH then EXEC with no change": [["SET", "t6", "1"], ["WATCH", "t6"], ["MULTI"], ["INCR", "t6"], ["EXEC"], ["UNWATCH"], ["DEL", "t6"]],
    "own writes after WATCH abort": [["SET", "t7", "1"], ["WATCH", "t7"], ["SET", "t7", "2"], ["MULTI"], ["INCR", "t7"], ["EXEC"], ["GET", "t7"], ["DEL", "t7"]],
    "WATCH arity": [["WATCH"], ["UNWATCH", "x"]],
    "wrong arity inside MULTI": [["MULTI"], ["GET"], ["EXEC"]],
  };
  for (const [name, script] of Object.entries(cases)) {
    test(name, async () => {
      const [a, b] = await both(script);
      expect(a).toBe(b);
    });
  }
  test("RESP3 replies inside EXEC", async () => {
    const [a, b] = await both([["DEL", "t8"], ["MULTI"], ["SET", "t8", "1"], ["GET", "nope"], ["INCRBYFLOAT", "t8", "1.5"], ["EXEC"]], true);
    expect(a).toBe(b);
  });
});

describe("WATCH across clients", () => {
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    a = new Redis({ port: ours.port, host: "127.0.0.1" });
    b = new Redis({ port: ours.port, host: "127.0.0.1" });
  });
  afterAll(async () => {
    a.disconnect();
    b.disconnect();
  });

  test("another client's write fails the EXEC", async () => {
    await a.set("w1", "1");
    await a.watch("w1");
    await b.set("w1", "2");
    expect(await a.multi().set("w1", "mine").exec()).toBeNull();
    expect(await a.get("w1")).toBe("2");
  });

  test("a write to an unwatched key does not", async () => {
    await a.watch("w2");
    await b.set("w2-other", "x");
    expect(await a.multi().set("w2", "mine").exec()).toEqual([[null, "OK"]]);
  });

  test("deleting a watched key that did not exist is not a change unless it is created", async () => {
    await a.del("w3");
    await a.watch("w3");
    await b.del("w3");
    expect(await a.multi().set("w3", "v").exec()).toEqual([[null, "OK"]]);
    await a.del("w3");
    await a.watch("w3");
    await b.set("w3", "created");
    expect(await a.multi().set("w3", "v").exec()).toBeNull();
  });

  test("a watched key that expires fails the EXEC", async () => {
    await a.set("w4", "v", "PX", 20);
    await a.watch("w4");
    await waitFor(async () => (await b.exists("w4")) === 0, 5000, "w4 to expire");
    expect(await a.multi().set("w5", "v").exec()).toBeNull();
  });

  test("FLUSHALL touches watched keys that exist", async () => {
    await a.set("w6", "v");
    await a.watch("w6");
    await b.flushall();
    expect(await a.multi().ping().exec()).toBeNull();
  });

  test("UNWATCH and DISCARD forget watches", async () => {
    await a.set("w7", "1");
    await a.watch("w7");
    await a.unwatch();
    await b.set("w7", "2");
    expect(await a.multi().get("w7").exec()).toEqual([[null, "2"]]);
    await a.watch("w7");
    expect(await a.call("MULTI")).toBe("OK");
    expect(await a.call("DISCARD")).toBe("OK");
    await b.set("w7", "3");
    expect(await a.multi().get("w7").exec()).toEqual([[null, "3"]]);
  });

  test("a transaction is atomic: other clients see all of it or none", async () => {
    await a.del("w8a", "w8b");
    const writes = [];
    for (let i = 0; i < 200; i++) writes.push(a.multi().incr("w8a").incr("w8b").exec());
    const reads = [];
    for (let i = 0; i < 200; i++) reads.push(b.mget("w8a", "w8b"));
    await Promise.all(writes);
    for (const [x, y] of await Promise.all(reads)) expect(x).toBe(y);
    expect(await b.get("w8a")).toBe("200");
  });

  test("commands queued by one client are not seen by others before EXEC", async () => {
    await a.del("w9");
    expect(await a.call("MULTI")).toBe("OK");
    expect(await a.call("SET", "w9", "v")).toBe("QUEUED");
    expect(await b.exists("w9")).toBe(0);
    expect(await a.call("EXEC")).toEqual(["OK"]);
    expect(await b.get("w9")).toBe("v");
  });
});
