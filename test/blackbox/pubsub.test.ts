// Pub/sub and keyspace notifications: the subscriber's bytes compared with a real
// redis-server's, RESP2 subscriber mode and RESP3 pushes, clients, and a subscriber that
// stops reading being cut off at its output limit.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Redis from "ioredis";
import { RawClient } from "../helpers/raw.ts";
import { respFrame, startRedis, type RedisServer } from "../helpers/redis.ts";
import { redisCli, startServer, waitFor, type TestServer } from "../helpers/server.ts";

let ours: TestServer;
let theirs: RedisServer;
beforeAll(async () => {
  [ours, theirs] = await Promise.all([startServer(), startRedis()]);
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

/**
 * A subscriber runs `subscribe` and waits for its replies; a second client runs
 * `publish`; the subscriber then runs `after` (which must leave subscriber mode in RESP2)
 * and an ECHO. Returns everything the subscriber received, and the publisher's replies.
 */
async function flow(port: number, subscribe: string[][], publish: string[][], after: string[][], hello3 = false): Promise<[string, string]> {
  const sub = await RawClient.connect(port);
  const pub = await RawClient.connect(port);
  try {
    let got = "";
    if (hello3) {
      sub.write(respFrame(["HELLO", "3"]));
      await readUntil(sub, (s) => s.endsWith("*0\r\n"), "HELLO");
    }
    for (const cmd of subscribe) sub.write(respFrame(cmd));
    // PING works in subscriber mode: its reply marks the end of the subscribe phase.
    sub.write(respFrame(["PING", SYNC]));
    got += await readUntil(sub, (s) => s.endsWith(`${SYNC}\r\n`), "subscribe phase");
    for (const cmd of publish) pub.write(respFrame(cmd));
    pub.write(respFrame(["ECHO", END]));
    const pubReplies = await readUntil(pub, (s) => s.endsWith(`${END}\r\n`), "publisher");
    for (const cmd of after) sub.write(respFrame(cmd));
    sub.write(respFrame(["ECHO", END]));
    got += await readUntil(sub, (s) => s.endsWith(`${END}\r\n`), "subscriber end");
    return [got, pubReplies];
  } finally {
    sub.close();
    pub.close();
  }
}

async function both(...args: Parameters<typeof flow> extends [number, ...infer R] ? R : never): Promise<void> {
  const [a, b] = await Promise.all([flow(ours.port, ...args), flow(theirs.port, ...args)]);
  expect(a[0]).toBe(b[0]);
  expect(a[1]).toBe(b[1]);
}

describe("pub/sub matches redis-server", () => {
  test("channels, RESP2: messages, subscriber mode errors, PING, unsubscribe all", async () => {
    await both(
      [["SUBSCRIBE", "news", "sport"], ["GET", "x"], ["PING"], ["PING", "hi"]],
      [["PUBLISH", "news", "hello"], ["PUBLISH", "sport", "b\u0000\u00ff"], ["PUBLISH", "nobody", "x"]],
      [["UNSUBSCRIBE", "sport"], ["UNSUBSCRIBE"], ["UNSUBSCRIBE"], ["PING"]],
    );
  });

  test("patterns, RESP2", async () => {
    await both(
      [["PSUBSCRIBE", "n*", "?port"], ["SUBSCRIBE", "news"]],
      [["PUBLISH", "news", "both"], ["PUBLISH", "sport", "pattern"], ["PUBLISH", "other", "none"]],
      [["PUNSUBSCRIBE", "n*"], ["PUNSUBSCRIBE"], ["PUNSUBSCRIBE"], ["UNSUBSCRIBE"]],
    );
  });

  test("RESP3: pushes, and ordinary commands while subscribed", async () => {
    await both(
      [["SUBSCRIBE", "news"], ["SET", "ps:k", "v"], ["GET", "ps:k"], ["PING"]],
      [["PUBLISH", "news", "pushed"]],
      [["UNSUBSCRIBE", "news"], ["DEL", "ps:k"]],
      true,
    );
  });

  test("PUBSUB CHANNELS, NUMSUB, NUMPAT", async () => {
    await both(
      [["SUBSCRIBE", "c1", "c2"], ["PSUBSCRIBE", "c*"]],
      [["PUBSUB", "CHANNELS", "c1"], ["PUBSUB", "NUMSUB", "c1", "zz"], ["PUBSUB", "NUMPAT"], ["PUBSUB", "NUMSUB"], ["PUBLISH"]],
      // UNSUBSCRIBE with no channel goes in Redis's hash order: name them.
      [["UNSUBSCRIBE", "c2", "c1"], ["PUNSUBSCRIBE"]],
    );
  });

  test("keyspace notifications", async () => {
    for (const port of [ours.port, theirs.port]) await redisCli(port, ["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    try {
      await both(
        [["PSUBSCRIBE", "__key*@0__:*"]],
        [["SET", "kn:a", "1"], ["INCRBY", "kn:a", "2"], ["APPEND", "kn:a", "x"], ["EXPIRE", "kn:a", "100"], ["PERSIST", "kn:a"],
          // A TTL long enough that neither server expires kn:c during the exchange (an
          // "expired" event then would depend on when each one's expiry cycle runs).
          ["RENAME", "kn:a", "kn:b"], ["DEL", "kn:b"], ["SET", "kn:c", "v", "PX", "100000"], ["DEL", "kn:c"], ["DEL", "kn:none"]],
        [["PUNSUBSCRIBE"]],
      );
    } finally {
      for (const port of [ours.port, theirs.port]) await redisCli(port, ["CONFIG", "SET", "notify-keyspace-events", ""]);
    }
  });

  test("notify-keyspace-events is read back as Redis writes it, and bad classes are refused", async () => {
    for (const [set, get] of [["KEA", "AKE"], ["Elg", "glE"], ["K$", "$K"], ["", ""]]) {
      for (const port of [ours.port, theirs.port]) {
        await redisCli(port, ["CONFIG", "SET", "notify-keyspace-events", set]);
        expect((await redisCli(port, ["CONFIG", "GET", "notify-keyspace-events"])).stdout).toBe(`notify-keyspace-events\n${get}\n`);
      }
    }
    const bad = await redisCli(ours.port, ["CONFIG", "SET", "notify-keyspace-events", "KQ"]);
    expect(bad.stdout).toContain("Invalid event class character");
  });
});

describe("clients", () => {
  test("ioredis subscribe and psubscribe", async () => {
    const sub = new Redis({ port: ours.port, host: "127.0.0.1" });
    const pub = new Redis({ port: ours.port, host: "127.0.0.1" });
    try {
      const got: string[] = [];
      sub.on("message", (ch, msg) => got.push(`${ch}:${msg}`));
      sub.on("pmessage", (p, ch, msg) => got.push(`${p}|${ch}:${msg}`));
      await sub.subscribe("io-ch");
      await sub.psubscribe("io-*");
      expect(await pub.publish("io-ch", "one")).toBe(2);
      expect(await pub.publish("io-x", "two")).toBe(1);
      await waitFor(() => got.length === 3, 5000, "three messages");
      expect(got.sort()).toEqual(["io-*|io-ch:one", "io-*|io-x:two", "io-ch:one"]);
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });

  test("a subscriber that disconnects is forgotten", async () => {
    const sub = await RawClient.connect(ours.port);
    sub.write(respFrame(["SUBSCRIBE", "gone"]));
    await readUntil(sub, (s) => s.endsWith(":1\r\n"), "subscribe");
    sub.close();
    await waitFor(async () => (await redisCli(ours.port, ["PUBLISH", "gone", "x"])).stdout === "0\n", 5000, "the subscriber to go");
  });
});

describe("a subscriber that stops reading", () => {
  test("is cut off at client_output_buffer_limit_pubsub; the server keeps serving", async () => {
    const server = await startServer({ set: ["server.client_output_buffer_limit_pubsub=1MB"] });
    const cli = Bun.spawn(["redis-cli", "-p", String(server.port), "SUBSCRIBE", "flood"], { stdout: "ignore", stderr: "ignore" });
    try {
      await waitFor(async () => (await redisCli(server.port, ["PUBSUB", "NUMSUB", "flood"])).stdout === "flood\n1\n", 5000, "the subscriber");
      cli.kill("SIGSTOP");
      const pub = new Redis({ port: server.port, host: "127.0.0.1" });
      const payload = "x".repeat(64 * 1024);
      let receivers = 1;
      const deadline = Date.now() + 20000;
      // Kernel socket buffers take the first few MB; past them the server holds the rest
      // until the limit.
      while (receivers > 0 && Date.now() < deadline) receivers = await pub.publish("flood", payload);
      expect(receivers).toBe(0);
      expect(await pub.get("nothing")).toBeNull();
      const info = await pub.info("stats");
      expect(info).toMatch(/client_output_buffer_limit_disconnections:[1-9]/);
      pub.disconnect();
    } finally {
      cli.kill("SIGKILL");
      await server.stop();
    }
  });
});
