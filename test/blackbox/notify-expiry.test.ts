// Keyspace notifications for keys the store removes by itself: "expired" (class x) when a
// TTL passes, found on access (compared byte for byte with a real redis-server) or
// reclaimed by the store tick without any read, and "evicted" (class e) when eviction drops
// keys under memory pressure. With those classes off, nothing is published.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import { RawClient } from "../helpers/raw.ts";
import { respFrame, startRedis, type RedisServer } from "../helpers/redis.ts";
import { redisCli, startServer, waitFor, type TestServer } from "../helpers/server.ts";

let ours: TestServer;
let theirs: RedisServer;
beforeAll(async () => {
  // DEBUG SLEEP lets a TTL pass between two commands of one pipeline: the read that follows
  // finds the key expired (no tick or active expiry cycle can run in between).
  [ours, theirs] = await Promise.all([startServer(), startRedis(["--enable-debug-command", "yes"])]);
});
afterAll(async () => {
  await theirs.stop();
  expect(await ours.stop()).toBe(0);
});

const END = "__end__";
const SYNC = "__sync__";

async function readUntil(c: RawClient, done: (s: string) => boolean, what: string): Promise<string> {
  let got = "";
  const deadline = Date.now() + 5000;
  while (!done(got)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(got)}`);
    const bytes = await c.readSome(Math.max(1, deadline - Date.now())).catch(() => new Uint8Array(0));
    for (const b of bytes) got += String.fromCharCode(b);
  }
  return got;
}

function frames(commands: string[][]): Uint8Array {
  return Buffer.concat(commands.map((c) => respFrame(c)));
}

async function setFlags(port: number, flags: string): Promise<void> {
  expect((await redisCli(port, ["CONFIG", "SET", "notify-keyspace-events", flags])).stdout).toBe("OK\n");
}

/**
 * A subscriber runs `subscribe`; a second client sends `commands` as one pipeline; the
 * subscriber then runs `leave` (naming its channels: Redis answers a bare UNSUBSCRIBE in
 * hash order). Returns what the subscriber received and the
 * other client's replies.
 */
async function flow(port: number, subscribe: string[][], commands: string[][], leave: string[][]): Promise<[string, string]> {
  const sub = await RawClient.connect(port);
  const pub = await RawClient.connect(port);
  try {
    sub.write(frames([...subscribe, ["PING", SYNC]]));
    let got = await readUntil(sub, (s) => s.endsWith(`${SYNC}\r\n`), "subscribe phase");
    pub.write(frames([...commands, ["ECHO", END]]));
    const replies = await readUntil(pub, (s) => s.endsWith(`${END}\r\n`), "publisher");
    sub.write(frames([...leave, ["ECHO", END]]));
    got += await readUntil(sub, (s) => s.endsWith(`${END}\r\n`), "subscriber end");
    return [got, replies];
  } finally {
    sub.close();
    pub.close();
  }
}

/** Lazy expiry of strings and objects, in two databases, by reads and by writes. */
const LAZY: string[][] = [
  ["SET", "ne:a", "v", "PX", "5"],
  ["HSET", "ne:h", "f", "v"],
  ["PEXPIRE", "ne:h", "5"],
  ["RPUSH", "ne:l", "x"],
  ["PEXPIRE", "ne:l", "5"],
  ["SADD", "ne:s", "m"],
  ["PEXPIRE", "ne:s", "5"],
  ["SET", "ne:w", "old", "PX", "5"],
  ["SELECT", "3"],
  ["SET", "ne:d", "v", "PX", "5"],
  ["SELECT", "0"],
  ["DEBUG", "SLEEP", "0.02"],
  ["GET", "ne:a"],
  ["HGET", "ne:h", "f"],
  ["LLEN", "ne:l"],
  ["SISMEMBER", "ne:s", "m"],
  ["SET", "ne:w", "new"],
  ["SELECT", "3"],
  ["EXISTS", "ne:d"],
  ["SELECT", "0"],
  // A PXAT already past: set, expire, then expired (Redis 7.0 sends the last on the next access).
  ["SET", "ne:p", "v", "PXAT", "1"],
  ["EXISTS", "ne:p"],
  ["DEL", "ne:w"],
];

describe("expired: lazily, matches redis-server", () => {
  const channels = ["__keyspace@0__:ne:a", "__keyspace@3__:ne:d"];
  for (const [flags, subscribe, leave] of [
    ["KEA", [["PSUBSCRIBE", "__key*@*__:*"]], [["PUNSUBSCRIBE"]]],
    ["Ex", [["PSUBSCRIBE", "__key*@*__:*"]], [["PUNSUBSCRIBE"]]],
    ["Kx", [["SUBSCRIBE", ...channels]], [["UNSUBSCRIBE", ...channels]]],
  ] as [string, string[][], string[][]][]) {
    test(`notify-keyspace-events ${flags}`, async () => {
      await Promise.all([setFlags(ours.port, flags), setFlags(theirs.port, flags)]);
      try {
        const [a, b] = await Promise.all([flow(ours.port, subscribe, LAZY, leave), flow(theirs.port, subscribe, LAZY, leave)]);
        expect(a[0]).toBe(b[0]);
        expect(a[1]).toBe(b[1]);
        expect(a[0]).toContain("expired");
      } finally {
        await Promise.all([setFlags(ours.port, ""), setFlags(theirs.port, "")]);
      }
    });
  }

  test("a RESP3 client subscribed to its own keys gets the push after the reply that expired them", async () => {
    await setFlags(ours.port, "Ex");
    const c = await RawClient.connect(ours.port);
    try {
      c.write(frames([["HELLO", "3"]]));
      await readUntil(c, (s) => /modules\r\n\*0\r\n$/.test(s), "HELLO");
      c.write(frames([["SUBSCRIBE", "__keyevent@0__:expired"], ["SET", "own:a", "1", "PX", "5"], ["SET", "own:b", "2", "PX", "5"],
        ["DEBUG", "SLEEP", "0.02"], ["MGET", "own:a", "x", "own:b"], ["ECHO", END]]));
      const got = await readUntil(c, (s) => s.endsWith(`${END}\r\n`), "replies");
      const push = (key: string) => `>3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$${key.length}\r\n${key}\r\n`;
      // The MGET array stays whole: the pushes follow it.
      expect(got).toEndWith(`+OK\r\n*3\r\n_\r\n_\r\n_\r\n${push("own:a")}${push("own:b")}$${END.length}\r\n${END}\r\n`);
    } finally {
      c.close();
      await setFlags(ours.port, "");
    }
  });
});

/** Messages received by an ioredis pattern subscriber, as "channel message". */
async function subscriber(port: number, pattern: string): Promise<{ got: string[]; close: () => void }> {
  const sub = new Redis({ port, host: "127.0.0.1" });
  const got: string[] = [];
  sub.on("pmessage", (_p, ch, msg) => got.push(`${ch} ${msg}`));
  await sub.psubscribe(pattern);
  return { got, close: () => sub.disconnect() };
}

function infoField(info: string, name: string): number {
  return Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1]);
}

describe("expired: keys never read again", () => {
  test("the store tick reclaims them and reports each, strings and objects, under the db's number", async () => {
    await setFlags(ours.port, "KEx");
    const sub = await subscriber(ours.port, "__key*@*__:*");
    const c = await RawClient.connect(ours.port);
    try {
      const want: string[] = [];
      const commands: string[][] = [["SELECT", "1"]];
      for (let i = 0; i < 100; i++) {
        commands.push(["SET", `act:${i}`, "x", "PX", "30"]);
        want.push(`act:${i}`);
      }
      commands.push(["HSET", "act:hash", "f", "v"], ["PEXPIRE", "act:hash", "30"], ["ZADD", "act:zset", "1", "m"], ["PEXPIRE", "act:zset", "30"]);
      want.push("act:hash", "act:zset");
      // Reported under the SELECT number they have when they go.
      commands.push(["SWAPDB", "1", "2"], ["ECHO", END]);
      c.write(frames(commands));
      await readUntil(c, (s) => s.endsWith(`${END}\r\n`), "writes");
      await waitFor(() => sub.got.length === 2 * want.length, 5000, `${2 * want.length} messages, got ${sub.got.length}`);
      const events = sub.got.filter((m) => m.startsWith("__keyevent@")).sort();
      const spaces = sub.got.filter((m) => m.startsWith("__keyspace@")).sort();
      expect(events).toEqual(want.map((k) => `__keyevent@2__:expired ${k}`).sort());
      expect(spaces).toEqual(want.map((k) => `__keyspace@2__:${k} expired`).sort());
      expect(await c.call("SELECT", "2")).toBe("OK");
      expect(await c.call("DBSIZE")).toBe(0);
      expect(infoField(String(await c.call("INFO", "stats")), "expired_keys")).toBeGreaterThanOrEqual(want.length);
    } finally {
      c.close();
      sub.close();
      await setFlags(ours.port, "");
    }
  });
});

describe("evicted", () => {
  for (const eviction of ["fifo", "s3fifo", "random"]) {
    test(`${eviction}: each key eviction drops is published, and nothing once notifications are off`, async () => {
      const server = await startServer({ set: ["cache.heap_size=1MB", "cache.segment_size=64KB", "cache.hashtable_power=12", `cache.eviction=${eviction}`] });
      const pub = new Redis({ port: server.port, host: "127.0.0.1" });
      try {
        await setFlags(server.port, "KEe");
        const sub = await subscriber(server.port, "__key*@0__:*");
        const value = "v".repeat(1000);
        const written = new Set<string>();
        const writeMany = async (prefix: string, n: number) => {
          const p = pub.pipeline();
          for (let i = 0; i < n; i++) {
            p.set(`${prefix}:${i}`, value);
            written.add(`${prefix}:${i}`);
          }
          await p.exec();
        };
        await writeMany("ev", 4000);
        const evicted = infoField(await pub.info("stats"), "evicted_keys");
        expect(evicted).toBeGreaterThan(1000);
        await waitFor(() => sub.got.length === 2 * evicted, 10000, `${2 * evicted} messages, got ${sub.got.length}`);
        const keys = sub.got.filter((m) => m.startsWith("__keyevent@0__:evicted ")).map((m) => m.slice("__keyevent@0__:evicted ".length));
        expect(keys.length).toBe(evicted);
        expect(new Set(keys).size).toBe(evicted);
        for (const k of keys) expect(written.has(k)).toBe(true);
        expect(sub.got.filter((m) => /^__keyspace@0__:ev:\d+ evicted$/.test(m)).length).toBe(evicted);
        expect(await pub.exists(...keys.slice(0, 100))).toBe(0);
        expect((await pub.dbsize()) + evicted).toBe(4000);
        // Off: evictions go on, nothing is published.
        await setFlags(server.port, "");
        sub.got.length = 0;
        await writeMany("quiet", 2000);
        expect(infoField(await pub.info("stats"), "evicted_keys")).toBeGreaterThan(evicted);
        expect(await pub.publish("__keyevent@0__:sentinel", "x")).toBe(1);
        await waitFor(() => sub.got.length > 0, 5000, "the sentinel");
        expect(sub.got).toEqual(["__keyevent@0__:sentinel x"]);
        sub.close();
      } finally {
        pub.disconnect();
        expect(await server.stop()).toBe(0);
      }
    });
  }
});

describe("notifications off", () => {
  for (const flags of ["", "KE$", "KEg"]) {
    test(`flags "${flags}": no expired event, lazy or reclaimed`, async () => {
      await setFlags(ours.port, flags);
      const sub = await subscriber(ours.port, "__key*@*__:*");
      const c = await RawClient.connect(ours.port);
      try {
        const commands: string[][] = [["SELECT", "7"], ["SET", "off:lazy", "v", "PX", "5"], ["DEBUG", "SLEEP", "0.02"], ["GET", "off:lazy"]];
        for (let i = 0; i < 50; i++) commands.push(["SET", `off:${i}`, "x", "PX", "20"]);
        c.write(frames([...commands, ["ECHO", END]]));
        await readUntil(c, (s) => s.endsWith(`${END}\r\n`), "writes");
        await waitFor(async () => (await c.call("DBSIZE")) === 0, 5000, "the keys to be reclaimed");
        expect(await c.call("PUBLISH", "__keyevent@7__:sentinel", "x")).toBe(1);
        await waitFor(() => sub.got.includes("__keyevent@7__:sentinel x"), 5000, "the sentinel");
        expect(sub.got.filter((m) => m.includes("expired"))).toEqual([]);
        // The other classes still report the commands' own events: "$" the SETs, "g" their TTLs.
        const own = sub.got.filter((m) => m !== "__keyevent@7__:sentinel x");
        if (flags === "KE$") expect(own.every((m) => / set$|:set /.test(m)) && own.length === 2 * 51).toBe(true);
        else if (flags === "KEg") expect(own.every((m) => / expire$|:expire /.test(m)) && own.length === 2 * 51).toBe(true);
        else expect(own).toEqual([]);
      } finally {
        c.close();
        sub.close();
        await setFlags(ours.port, "");
      }
    });
  }
});
