// Blocking list and sorted-set commands: immediate answers compared with redis-server byte for byte, then
// several clients blocking, being served in order, timing out, pipelining behind a
// blocking command, and being woken by a transaction.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient } from "../helpers/raw.ts";
import { exchangeResp, respFrame, splitReplies, startRedis, type RedisServer } from "../helpers/redis.ts";
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

async function both(script: string[][], hello3 = false): Promise<void> {
  const [a, b] = await Promise.all([exchangeResp(ours.port, script, { hello3 }), exchangeResp(theirs.port, script, { hello3 })]);
  expect(a).toBe(b);
}

/** Bytes received so far, waiting until `expected` has arrived (or the deadline passes). */
async function expectBytes(c: RawClient, expected: string): Promise<void> {
  let got = "";
  const deadline = Date.now() + 5000;
  while (got.length < expected.length && Date.now() < deadline) {
    const bytes = await c.readSome(Math.max(1, deadline - Date.now())).catch(() => new Uint8Array(0));
    for (const b of bytes) got += String.fromCharCode(b);
  }
  expect(got).toBe(expected);
}

async function blockedClients(): Promise<number> {
  const info = (await redisCli(ours.port, ["INFO", "clients"])).stdout;
  return Number(/blocked_clients:(\d+)/.exec(info)?.[1]);
}

async function blockedOn(cmd: string[], n: number): Promise<RawClient> {
  const c = await RawClient.connect(ours.port);
  c.write(respFrame(cmd));
  await waitFor(async () => (await blockedClients()) >= n, 5000, `${n} blocked clients`);
  return c;
}

describe("immediate answers match redis-server", () => {
  test("data already there", async () => {
    await both([
      ["DEL", "b1", "b2", "b3"], ["RPUSH", "b2", "x", "y"], ["BLPOP", "b1", "b2", "0"], ["BRPOP", "b1", "b2", "1"],
      ["RPUSH", "b1", "p", "q", "r"], ["BLMPOP", "0", "2", "b3", "b1", "RIGHT", "COUNT", "2"], ["BLMOVE", "b1", "b3", "LEFT", "RIGHT", "0"],
      ["BRPOPLPUSH", "b3", "b3", "0"], ["LRANGE", "b3", "0", "-1"], ["EXISTS", "b1", "b2"],
    ]);
  });
  test("errors", async () => {
    await both([
      ["SET", "bs", "string"], ["BLPOP", "bs", "0"], ["BLPOP", "nokey", "bs", "0"], ["BLPOP", "k", "abc"], ["BLPOP", "k", "-1"],
      ["BLPOP", "k"], ["BLMOVE", "k", "d", "UP", "LEFT", "0"], ["BLMPOP", "0", "0", "k", "LEFT"], ["BLMPOP", "0", "1", "k", "LEFT", "COUNT", "0"],
      ["BLMPOP", "x", "1", "k", "LEFT"], ["RPUSH", "bl", "v"], ["BLMOVE", "bl", "bs", "LEFT", "LEFT", "0"], ["LRANGE", "bl", "0", "-1"], ["DEL", "bs", "bl"],
    ]);
  });
  test("inside MULTI an empty key answers nil at once", async () => {
    await both([["DEL", "bm"], ["MULTI"], ["BLPOP", "bm", "0"], ["BLMOVE", "bm", "bn", "LEFT", "LEFT", "0"], ["BLMPOP", "0", "1", "bm", "LEFT"], ["EXEC"]]);
  });
  test("RESP3", async () => {
    await both([["DEL", "b4"], ["RPUSH", "b4", "a", "b"], ["BLPOP", "b4", "0"], ["BLMPOP", "0", "1", "b4", "LEFT"], ["MULTI"], ["BLPOP", "b4", "0"], ["EXEC"]], true);
  });
});

describe("sorted sets: immediate answers match redis-server", () => {
  test("data already there: lowest or highest score first, from the first key holding a zset", async () => {
    await both([
      ["DEL", "z1", "z2", "z3"], ["ZADD", "z2", "1", "a", "2", "b", "3", "c"], ["BZPOPMIN", "z1", "z2", "0"], ["BZPOPMAX", "z1", "z2", "1"],
      ["ZADD", "z1", "-inf", "m", "1.5", "n", "+inf", "o"], ["BZMPOP", "0", "3", "z3", "z1", "z2", "MAX", "COUNT", "2"],
      ["BZMPOP", "0.1", "1", "z1", "MIN"], ["BZPOPMAX", "z2", "0"], ["EXISTS", "z1", "z2"],
    ]);
  });
  test("errors", async () => {
    await both([
      ["SET", "zs", "string"], ["RPUSH", "zl", "x"], ["BZPOPMIN", "zs", "0"], ["BZPOPMAX", "nokey", "zl", "0"], ["BZPOPMIN", "k", "abc"],
      ["BZPOPMIN", "k", "-1"], ["BZPOPMIN", "k"], ["BZMPOP", "0", "0", "k", "MIN"], ["BZMPOP", "0", "1", "k", "LEFT"],
      ["BZMPOP", "0", "1", "k", "MIN", "COUNT", "0"], ["BZMPOP", "x", "1", "k", "MIN"], ["BZMPOP", "0", "2", "k", "MIN"],
      ["BZMPOP", "0", "1", "zs", "MAX"], ["BZMPOP", "0", "1", "k", "MIN", "COUNT", "1", "COUNT", "2"], ["DEL", "zs", "zl"],
    ]);
  });
  test("inside MULTI an empty key answers nil at once", async () => {
    await both([["DEL", "zm"], ["MULTI"], ["BZPOPMIN", "zm", "0"], ["BZMPOP", "0", "1", "zm", "MAX"], ["ZADD", "zm", "1", "a"], ["BZPOPMAX", "zm", "0"], ["EXEC"]]);
  });
  test("RESP3: scores are doubles", async () => {
    await both([["DEL", "z4"], ["ZADD", "z4", "1", "a", "2.5", "b", "3", "c"], ["BZPOPMIN", "z4", "0"], ["BZMPOP", "0", "1", "z4", "MAX", "COUNT", "5"], ["BZPOPMIN", "z4", "0.01"]], true);
  });
  test("COMMAND INFO and GETKEYS of the blocking commands", async () => {
    const names = ["blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop"];
    const script = [
      ...names.map((n) => ["COMMAND", "INFO", n]),
      ["COMMAND", "GETKEYS", "BZMPOP", "0", "2", "a", "b", "MIN"], ["COMMAND", "GETKEYS", "BLMPOP", "0", "1", "a", "LEFT"],
      ["COMMAND", "GETKEYS", "BZPOPMIN", "a", "b", "0"], ["COMMAND", "GETKEYS", "BZMPOP", "0", "0", "a", "MIN"],
    ];
    const [a, b] = await Promise.all([exchangeResp(ours.port, script), exchangeResp(theirs.port, script)]);
    // The first seven fields (name, arity, flags, key positions, ACL categories), then GETKEYS whole.
    const head = (reply: string) => reply.split("\r\n").slice(0, 40).join("\n").replace(/\*0\n\*\d+\n[\s\S]*$/, "");
    const mine = splitReplies(a);
    const ref = splitReplies(b);
    for (let i = 0; i < script.length; i++) {
      expect({ cmd: script[i], reply: i < names.length ? head(mine[i]) : mine[i] }).toEqual({ cmd: script[i], reply: i < names.length ? head(ref[i]) : ref[i] });
    }
  });
});

describe("blocking", () => {
  test("a push serves the blocked client; pipelined commands follow its reply", async () => {
    await redisCli(ours.port, ["DEL", "q1"]);
    const c = await RawClient.connect(ours.port);
    c.write(Buffer.concat([respFrame(["BLPOP", "q0", "q1", "0"]), respFrame(["PING"]), respFrame(["LLEN", "q1"])]));
    await waitFor(async () => (await blockedClients()) === 1, 5000, "the client to block");
    expect(c.pending()).toBe("");
    expect((await redisCli(ours.port, ["RPUSH", "q1", "a", "b"])).stdout).toBe("2\n");
    await expectBytes(c, "*2\r\n$2\r\nq1\r\n$1\r\na\r\n+PONG\r\n:1\r\n");
    expect(await blockedClients()).toBe(0);
    c.close();
  });

  test("clients are served in the order they blocked", async () => {
    await redisCli(ours.port, ["DEL", "fair"]);
    const c1 = await blockedOn(["BLPOP", "fair", "0"], 1);
    const c2 = await blockedOn(["BLPOP", "fair", "0"], 2);
    const c3 = await blockedOn(["BRPOP", "fair", "0"], 3);
    await redisCli(ours.port, ["RPUSH", "fair", "one", "two"]);
    await expectBytes(c1, "*2\r\n$4\r\nfair\r\n$3\r\none\r\n");
    await expectBytes(c2, "*2\r\n$4\r\nfair\r\n$3\r\ntwo\r\n");
    expect(await blockedClients()).toBe(1);
    await redisCli(ours.port, ["RPUSH", "fair", "three"]);
    await expectBytes(c3, "*2\r\n$4\r\nfair\r\n$5\r\nthree\r\n");
    for (const c of [c1, c2, c3]) c.close();
  });

  test("a timeout answers nil (a null array in RESP2)", async () => {
    const c = await RawClient.connect(ours.port);
    const t0 = Date.now();
    c.write(respFrame(["BLPOP", "never", "0.2"]));
    await expectBytes(c, "*-1\r\n");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    c.write(respFrame(["BLMOVE", "never", "d", "LEFT", "LEFT", "0.05"]));
    await expectBytes(c, "$-1\r\n");
    c.close();
  });

  test("a transaction's pushes wake clients after EXEC, with the final state", async () => {
    await redisCli(ours.port, ["DEL", "tx1", "tx2"]);
    const c1 = await blockedOn(["BLPOP", "tx1", "0"], 1);
    const c2 = await blockedOn(["BLPOP", "tx2", "0"], 2);
    const m = await RawClient.connect(ours.port);
    m.write(Buffer.concat([
      respFrame(["MULTI"]), respFrame(["RPUSH", "tx1", "gone"]), respFrame(["DEL", "tx1"]),
      respFrame(["RPUSH", "tx2", "a"]), respFrame(["LPUSH", "tx2", "b"]), respFrame(["EXEC"]),
    ]));
    await expectBytes(m, "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*4\r\n:1\r\n:1\r\n:1\r\n:2\r\n");
    await expectBytes(c2, "*2\r\n$3\r\ntx2\r\n$1\r\nb\r\n");
    expect(await blockedClients()).toBe(1);
    await redisCli(ours.port, ["RPUSH", "tx1", "later"]);
    await expectBytes(c1, "*2\r\n$3\r\ntx1\r\n$5\r\nlater\r\n");
    for (const c of [c1, c2, m]) c.close();
  });

  test("BLMOVE chains: what it moves serves a client blocked on the destination", async () => {
    await redisCli(ours.port, ["DEL", "src", "dst"]);
    const mover = await blockedOn(["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"], 1);
    const popper = await blockedOn(["BLPOP", "dst", "0"], 2);
    await redisCli(ours.port, ["RPUSH", "src", "x"]);
    await expectBytes(mover, "$1\r\nx\r\n");
    await expectBytes(popper, "*2\r\n$3\r\ndst\r\n$1\r\nx\r\n");
    expect((await redisCli(ours.port, ["EXISTS", "src", "dst"])).stdout).toBe("0\n");
    mover.close();
    popper.close();
  });

  test("BLMPOP with COUNT takes up to count from the first ready key", async () => {
    await redisCli(ours.port, ["DEL", "m1", "m2"]);
    const c = await blockedOn(["BLMPOP", "0", "2", "m1", "m2", "LEFT", "COUNT", "5"], 1);
    await redisCli(ours.port, ["RPUSH", "m2", "a", "b", "c"]);
    await expectBytes(c, "*2\r\n$2\r\nm2\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
    c.close();
  });

  test("a key of another type does not serve; the client keeps waiting", async () => {
    await redisCli(ours.port, ["DEL", "wt"]);
    const c = await blockedOn(["BLPOP", "wt", "0"], 1);
    await redisCli(ours.port, ["SET", "wt", "string"]);
    await redisCli(ours.port, ["DEL", "wt"]);
    expect(await blockedClients()).toBe(1);
    await redisCli(ours.port, ["RPUSH", "wt", "v"]);
    await expectBytes(c, "*2\r\n$2\r\nwt\r\n$1\r\nv\r\n");
    c.close();
  });

  test("a blocked client that disconnects is forgotten and takes nothing", async () => {
    await redisCli(ours.port, ["DEL", "dc"]);
    const c = await blockedOn(["BLPOP", "dc", "0"], 1);
    c.close();
    await waitFor(async () => (await blockedClients()) === 0, 5000, "the client to go");
    await redisCli(ours.port, ["RPUSH", "dc", "kept"]);
    expect((await redisCli(ours.port, ["LRANGE", "dc", "0", "-1"])).stdout).toBe("kept\n");
  });

  test("CLIENT LIST shows a blocked client with flag b", async () => {
    const c = await blockedOn(["BRPOP", "cl", "0"], 1);
    const list = (await redisCli(ours.port, ["CLIENT", "LIST"])).stdout;
    expect(list).toMatch(/flags=b .*cmd=brpop/);
    c.close();
    await waitFor(async () => (await blockedClients()) === 0, 5000, "the client to go");
  });
});

describe("blocking on sorted sets", () => {
  test("ZADD serves BZPOPMIN and BZPOPMAX clients in the order they blocked", async () => {
    await redisCli(ours.port, ["DEL", "zq"]);
    const c1 = await blockedOn(["BZPOPMIN", "zq0", "zq", "0"], 1);
    const c2 = await blockedOn(["BZPOPMAX", "zq", "0"], 2);
    const c3 = await blockedOn(["BZPOPMIN", "zq", "0"], 3);
    await redisCli(ours.port, ["ZADD", "zq", "5", "five", "1", "one", "3", "three"]);
    await expectBytes(c1, "*3\r\n$2\r\nzq\r\n$3\r\none\r\n$1\r\n1\r\n");
    await expectBytes(c2, "*3\r\n$2\r\nzq\r\n$4\r\nfive\r\n$1\r\n5\r\n");
    await expectBytes(c3, "*3\r\n$2\r\nzq\r\n$5\r\nthree\r\n$1\r\n3\r\n");
    expect((await redisCli(ours.port, ["EXISTS", "zq"])).stdout).toBe("0\n");
    for (const c of [c1, c2, c3]) c.close();
  });

  test("BZMPOP with COUNT takes up to count; pipelined commands follow its reply", async () => {
    await redisCli(ours.port, ["DEL", "zm1", "zm2"]);
    const c = await RawClient.connect(ours.port);
    c.write(Buffer.concat([respFrame(["BZMPOP", "0", "2", "zm1", "zm2", "MAX", "COUNT", "2"]), respFrame(["ZCARD", "zm2"])]));
    await waitFor(async () => (await blockedClients()) === 1, 5000, "the client to block");
    await redisCli(ours.port, ["ZADD", "zm2", "1", "a", "2", "b", "3", "c"]);
    await expectBytes(c, "*2\r\n$3\r\nzm2\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n:1\r\n");
    c.close();
  });

  test("a timeout answers a null array; a list pushed to the key does not serve", async () => {
    await redisCli(ours.port, ["DEL", "zt"]);
    const c = await RawClient.connect(ours.port);
    c.write(respFrame(["BZPOPMIN", "zt", "0.3"]));
    await waitFor(async () => (await blockedClients()) === 1, 5000, "the client to block");
    await redisCli(ours.port, ["RPUSH", "zt", "x"]);
    await expectBytes(c, "*-1\r\n");
    expect((await redisCli(ours.port, ["LRANGE", "zt", "0", "-1"])).stdout).toBe("x\n");
    c.write(respFrame(["BZMPOP", "0.05", "1", "zt2", "MIN"]));
    await expectBytes(c, "*-1\r\n");
    c.close();
  });

  test("RESP3: a served client gets its score as a double, and a timeout is a null", async () => {
    await redisCli(ours.port, ["DEL", "z3r"]);
    const c = await RawClient.connect(ours.port);
    c.write(respFrame(["HELLO", "3"]));
    await c.readSome(2000);
    c.write(respFrame(["BZPOPMAX", "z3r", "0"]));
    await waitFor(async () => (await blockedClients()) === 1, 5000, "the client to block");
    await redisCli(ours.port, ["ZADD", "z3r", "2.5", "m"]);
    await expectBytes(c, "*3\r\n$3\r\nz3r\r\n$1\r\nm\r\n,2.5\r\n");
    c.write(respFrame(["BZPOPMIN", "z3r", "0.05"]));
    await expectBytes(c, "_\r\n");
    c.close();
  });
});
