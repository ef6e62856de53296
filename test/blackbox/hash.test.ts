// The hash commands, differential: every script goes pipelined to Crucible and to a real
// redis-server 7.0, and the raw reply bytes must be identical. Hashes small enough for
// Redis's listpack reply in a fixed order, so those scripts are compared byte for byte;
// where Redis's order is its hashtable's (random) or the command is random, the replies are
// parsed and compared sorted, or checked for their properties.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exchangeResp, prng, type RedisServer, startRedis } from "../helpers/redis.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let redis: RedisServer;

beforeAll(async () => {
  [server, redis] = await Promise.all([startServer(), startRedis()]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), redis?.stop()]);
});

type Cmd = string[];

let keyCounter = 0;
/** Each script runs on fresh keys: "{k}" in any argument becomes a key no other script uses. */
function fresh(cmds: Cmd[]): Cmd[] {
  const k = `h${++keyCounter}`;
  return cmds.map((cmd) => cmd.map((arg) => arg.replaceAll("{k}", k)));
}

async function both(cmds: Cmd[], hello3 = false): Promise<[string, string]> {
  const script = fresh(cmds);
  const opts = { hello3, timeoutMs: 20_000 };
  return Promise.all([exchangeResp(server.port, script, opts), exchangeResp(redis.port, script, opts)]);
}

async function expectSame(cmds: Cmd[], hello3 = false): Promise<void> {
  const [ours, theirs] = await both(cmds, hello3);
  if (ours !== theirs) {
    // Name the first command whose reply differs, then fail on the raw bytes.
    const a = parseReplies(ours);
    const b = parseReplies(theirs);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      expect([JSON.stringify(cmds[i]), a[i]]).toEqual([JSON.stringify(cmds[i]), b[i]]);
    }
  }
  expect(ours).toBe(theirs);
}

// ---- a small RESP2/RESP3 reader, for the replies that need normalising ----------------------

type Value =
  | { t: "simple" | "error" | "double" | "bool"; v: string }
  | { t: "int"; v: string }
  | { t: "bulk"; v: string }
  | { t: "null" }
  | { t: "array" | "map" | "set"; v: Value[] };

function parseReplies(text: string): Value[] {
  let pos = 0;
  const line = (): string => {
    const end = text.indexOf("\r\n", pos);
    if (end < 0) throw new Error(`truncated reply at ${pos}`);
    const s = text.slice(pos, end);
    pos = end + 2;
    return s;
  };
  const one = (): Value => {
    const type = text[pos++];
    const head = line();
    switch (type) {
      case "+":
        return { t: "simple", v: head };
      case "-":
        return { t: "error", v: head };
      case ":":
        return { t: "int", v: head };
      case ",":
        return { t: "double", v: head };
      case "#":
        return { t: "bool", v: head };
      case "_":
        return { t: "null" };
      case "$": {
        const n = Number(head);
        if (n < 0) return { t: "null" };
        const v = text.slice(pos, pos + n);
        pos += n + 2;
        return { t: "bulk", v };
      }
      case "*":
      case "~":
      case "%": {
        const n = Number(head);
        if (n < 0) return { t: "null" };
        const items: Value[] = [];
        for (let i = 0; i < (type === "%" ? 2 * n : n); i++) items.push(one());
        return { t: type === "*" ? "array" : type === "~" ? "set" : "map", v: items };
      }
      default:
        throw new Error(`unknown reply type ${JSON.stringify(type)} at ${pos - 1}`);
    }
  };
  const out: Value[] = [];
  while (pos < text.length) out.push(one());
  return out;
}

function bulks(v: Value): string[] {
  if (v.t !== "array" && v.t !== "map" && v.t !== "set") throw new Error(`not an aggregate: ${JSON.stringify(v)}`);
  return v.v.map((x) => {
    if (x.t !== "bulk") throw new Error(`not a bulk: ${JSON.stringify(x)}`);
    return x.v;
  });
}

/** [field, value] pairs of a flat field/value list, sorted. */
function sortedPairs(flat: string[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push(JSON.stringify([flat[i], flat[i + 1]]));
  return pairs.sort();
}

const long64 = "x".repeat(64);
const long65 = "y".repeat(65);
const bin = "a\x00b\xff\r\n\x80z";

/** HSET {k} with n fields f0.. f(n-1), values v0.. */
function fill(n: number, key = "{k}"): Cmd[] {
  const cmds: Cmd[] = [];
  for (let start = 0; start < n; start += 50) {
    const cmd = ["HSET", key];
    for (let i = start; i < Math.min(n, start + 50); i++) cmd.push(`f${i}`, `v${i}`);
    cmds.push(cmd);
  }
  return cmds;
}

// ---- byte-for-byte scripts ------------------------------------------------------------------

const scripts: [string, Cmd[]][] = [
  ["HSET counts new fields, updates keep their place", [
    ["HSET", "{k}", "a", "1", "b", "2"],
    ["HSET", "{k}", "a", "10", "c", "3", "b", "20", "c", "30"],
    ["HGETALL", "{k}"], ["HKEYS", "{k}"], ["HVALS", "{k}"], ["HLEN", "{k}"],
    ["OBJECT", "ENCODING", "{k}"], ["TYPE", "{k}"],
  ]],
  ["HSET and HMSET arity", [
    ["HSET", "{k}"], ["HSET", "{k}", "a"], ["HSET", "{k}", "a", "1", "b"], ["HMSET", "{k}", "a"],
    ["HMSET", "{k}", "a", "1", "b"], ["hset", "{k}", "a", "1", "b"], ["EXISTS", "{k}"],
    ["HMSET", "{k}", "a", "1", "b", "2"], ["HGETALL", "{k}"],
  ]],
  ["HSETNX", [
    ["HSETNX", "{k}", "a", "1"], ["HSETNX", "{k}", "a", "2"], ["HSETNX", "{k}", "b", "3"], ["HGETALL", "{k}"],
    ["HSETNX", "{k}", "a"], ["HSETNX", "{k}", "a", "1", "2"],
  ]],
  ["HGET, HMGET, HEXISTS, HSTRLEN on present, absent and missing", [
    ["HSET", "{k}", "a", "hello", "empty", ""],
    ["HGET", "{k}", "a"], ["HGET", "{k}", "nope"], ["HGET", "{k}:missing", "a"], ["HGET", "{k}", "empty"],
    ["HMGET", "{k}", "a", "nope", "empty", "a"], ["HMGET", "{k}:missing", "a", "b"],
    ["HEXISTS", "{k}", "a"], ["HEXISTS", "{k}", "nope"], ["HEXISTS", "{k}:missing", "a"],
    ["HSTRLEN", "{k}", "a"], ["HSTRLEN", "{k}", "empty"], ["HSTRLEN", "{k}", "nope"], ["HSTRLEN", "{k}:missing", "a"],
    ["HLEN", "{k}"], ["HLEN", "{k}:missing"],
    ["HGET", "{k}"], ["HMGET", "{k}"], ["HEXISTS", "{k}"], ["HSTRLEN", "{k}", "a", "b"], ["HLEN"], ["HLEN", "{k}", "x"],
  ]],
  ["HDEL: counts, duplicates, order of the rest, the key goes with the last field", [
    ["HDEL", "{k}", "a"],
    ["HSET", "{k}", "a", "1", "b", "2", "c", "3", "d", "4"],
    ["HDEL", "{k}", "b", "b", "nope"], ["HGETALL", "{k}"],
    ["HSET", "{k}", "b", "5"], ["HGETALL", "{k}"],
    ["HDEL", "{k}", "a", "c", "d", "b", "a"], ["EXISTS", "{k}"], ["HLEN", "{k}"], ["HGETALL", "{k}"],
    ["HDEL", "{k}"],
  ]],
  ["HKEYS, HVALS, HGETALL of a missing key and arity", [
    ["HKEYS", "{k}"], ["HVALS", "{k}"], ["HGETALL", "{k}"], ["HKEYS"], ["HGETALL", "{k}", "x"],
  ]],
  ["WRONGTYPE from every command against a string", [
    ["SET", "{k}", "v"],
    ["HSET", "{k}", "a", "1"], ["HMSET", "{k}", "a", "1"], ["HSETNX", "{k}", "a", "1"], ["HGET", "{k}", "a"],
    ["HMGET", "{k}", "a"], ["HDEL", "{k}", "a"], ["HEXISTS", "{k}", "a"], ["HLEN", "{k}"], ["HSTRLEN", "{k}", "a"],
    ["HKEYS", "{k}"], ["HVALS", "{k}"], ["HGETALL", "{k}"], ["HINCRBY", "{k}", "a", "1"],
    ["HINCRBYFLOAT", "{k}", "a", "1"], ["HRANDFIELD", "{k}"], ["HRANDFIELD", "{k}", "2"],
    ["HRANDFIELD", "{k}", "2", "WITHVALUES"], ["HSCAN", "{k}", "0"], ["GET", "{k}"],
    // The argument checks that come before the lookup still win.
    ["HINCRBY", "{k}", "a", "x"], ["HINCRBYFLOAT", "{k}", "a", "x"], ["HSCAN", "{k}", "x"],
    ["HRANDFIELD", "{k}", "x"], ["HRANDFIELD", "{k}", "1", "bogus"],
  ]],
  ["string commands against a hash", [
    ["HSET", "{k}", "a", "1"], ["GET", "{k}"], ["INCR", "{k}"], ["APPEND", "{k}", "x"], ["STRLEN", "{k}"],
  ]],
  ["binary fields and values", [
    ["HSET", "{k}", bin, bin, "", "", "\x00", "\xff"],
    ["HGET", "{k}", bin], ["HGET", "{k}", ""], ["HGET", "{k}", "\x00"], ["HSTRLEN", "{k}", bin],
    ["HGETALL", "{k}"], ["HSCAN", "{k}", "0"], ["HSCAN", "{k}", "0", "MATCH", "a*"],
    ["HDEL", "{k}", ""], ["HEXISTS", "{k}", ""], ["HKEYS", "{k}"],
    ["HINCRBY", "{k}", "\xff\x00", "5"], ["HINCRBYFLOAT", "{k}", "\xff\x00", "0.5"], ["HGETALL", "{k}"],
  ]],
  ["encoding: 512 entries stay listpack, the 513th makes a hashtable, never back", [
    ...fill(512), ["OBJECT", "ENCODING", "{k}"], ["HGETALL", "{k}"],
    ["HSET", "{k}", "f0", "again"], ["OBJECT", "ENCODING", "{k}"],
    ["HSET", "{k}", "f512", "v"], ["OBJECT", "ENCODING", "{k}"], ["HLEN", "{k}"],
    ["HDEL", "{k}", ...Array.from({ length: 510 }, (_, i) => `f${i}`)], ["OBJECT", "ENCODING", "{k}"], ["HLEN", "{k}"],
  ]],
  ["encoding: a 64-byte value or field fits a listpack, 65 bytes do not", [
    ["HSET", "{k}", "a", long64, long64, "b"], ["OBJECT", "ENCODING", "{k}"],
    ["HSETNX", "{k}", "a", long65], ["OBJECT", "ENCODING", "{k}"],
    ["HSET", "{k}:2", "a", "1", "b", long65], ["OBJECT", "ENCODING", "{k}:2"],
    ["HSET", "{k}:3", long65, "1"], ["OBJECT", "ENCODING", "{k}:3"],
    ["HSETNX", "{k}:4", "a", long65], ["OBJECT", "ENCODING", "{k}:4"],
    ["HINCRBY", "{k}:5", long65, "1"], ["OBJECT", "ENCODING", "{k}:5"],
    ["HINCRBYFLOAT", "{k}:6", "a", "1e70"], ["OBJECT", "ENCODING", "{k}:6"],
    ["HINCRBYFLOAT", "{k}:7", "a", "1e60"], ["OBJECT", "ENCODING", "{k}:7"],
    ["HSET", "{k}:8", "a", "1"], ["HINCRBY", "{k}:8", "a", "x"], ["HINCRBY", "{k}:8", long65, "x"], ["OBJECT", "ENCODING", "{k}:8"],
  ]],
  ["HINCRBY", [
    ["HINCRBY", "{k}", "a", "5"], ["HINCRBY", "{k}", "a", "-12"], ["HINCRBY", "{k}", "a", "0"], ["HGET", "{k}", "a"],
    ["HINCRBY", "{k}", "b", "9223372036854775807"], ["HINCRBY", "{k}", "b", "1"], ["HINCRBY", "{k}", "b", "-9223372036854775807"],
    ["HINCRBY", "{k}", "c", "-9223372036854775808"], ["HINCRBY", "{k}", "c", "-1"], ["HINCRBY", "{k}", "c", "9223372036854775807"],
    ["HINCRBY", "{k}", "d", "9007199254740993"], ["HINCRBY", "{k}", "d", "9007199254740993"], ["HINCRBY", "{k}", "d", "-18014398509481985"],
    ["HINCRBY", "{k}", "a", "9223372036854775808"], ["HINCRBY", "{k}", "a", "1.5"], ["HINCRBY", "{k}", "a", " 1"],
    ["HINCRBY", "{k}", "a", "+1"], ["HINCRBY", "{k}", "a", "01"], ["HINCRBY", "{k}", "a", ""],
    ["HSET", "{k}", "s", "abc", "z", "007", "m", "-0", "sp", " 1", "big", "9223372036854775808", "neg", "-5", "e", ""],
    ["HINCRBY", "{k}", "s", "1"], ["HINCRBY", "{k}", "z", "1"], ["HINCRBY", "{k}", "m", "1"], ["HINCRBY", "{k}", "sp", "1"],
    ["HINCRBY", "{k}", "big", "1"], ["HINCRBY", "{k}", "neg", "5"], ["HINCRBY", "{k}", "e", "1"],
    ["HGETALL", "{k}"], ["HINCRBY", "{k}", "a"], ["HINCRBY", "{k}:new", "f", "x"], ["EXISTS", "{k}:new"],
  ]],
  ["HINCRBYFLOAT", [
    ["HINCRBYFLOAT", "{k}", "a", "10.5"], ["HINCRBYFLOAT", "{k}", "a", "0.1"], ["HINCRBYFLOAT", "{k}", "a", "-5"],
    ["HINCRBYFLOAT", "{k}", "b", "3.0e3"], ["HINCRBYFLOAT", "{k}", "b", "-3000"], ["HINCRBYFLOAT", "{k}", "c", "0x10"],
    ["HINCRBYFLOAT", "{k}", "c", "1.5e-7"], ["HINCRBYFLOAT", "{k}:d", "d", "1e4932"], ["HINCRBYFLOAT", "{k}:d", "d", "1e4932"],
    ["HINCRBYFLOAT", "{k}:d", "d", "-1e4932"], ["HINCRBYFLOAT", "{k}:d", "d", "1e-4950"], ["OBJECT", "ENCODING", "{k}:d"],
    ["HINCRBYFLOAT", "{k}", "a", "inf"], ["HINCRBYFLOAT", "{k}", "a", "-inf"], ["HINCRBYFLOAT", "{k}", "a", "nan"],
    ["HINCRBYFLOAT", "{k}", "a", "x"], ["HINCRBYFLOAT", "{k}", "a", " 1"], ["HINCRBYFLOAT", "{k}", "a", ""],
    ["HSET", "{k}", "s", "abc", "i", "inf", "n", "nan", "sp", " 2", "int", "42", "e", ""],
    ["HINCRBYFLOAT", "{k}", "s", "1"], ["HINCRBYFLOAT", "{k}", "i", "1"], ["HINCRBYFLOAT", "{k}", "n", "1"],
    ["HINCRBYFLOAT", "{k}", "sp", "1"], ["HINCRBYFLOAT", "{k}", "int", "0.25"], ["HINCRBYFLOAT", "{k}", "e", "1"],
    ["HINCRBYFLOAT", "{k}", "neg", "-0.0"], ["HGETALL", "{k}"],
    ["HINCRBYFLOAT", "{k}:new", "f", "inf"], ["EXISTS", "{k}:new"], ["HINCRBYFLOAT", "{k}", "a"],
  ]],
  ["HRANDFIELD: the deterministic cases", [
    ["HRANDFIELD", "{k}"], ["HRANDFIELD", "{k}", "5"], ["HRANDFIELD", "{k}", "-5", "WITHVALUES"], ["HRANDFIELD", "{k}", "0"],
    ["HSET", "{k}", "a", "1", "b", "2", "c", "3"],
    ["HRANDFIELD", "{k}", "0"], ["HRANDFIELD", "{k}", "0", "WITHVALUES"],
    ["HRANDFIELD", "{k}", "3"], ["HRANDFIELD", "{k}", "10", "WITHVALUES"], ["HRANDFIELD", "{k}", "9223372036854775807"],
    ["HRANDFIELD", "{k}", "4611686018427387903", "withvalues"],
    ["HSET", "{k}:one", "only", "value"], ["HRANDFIELD", "{k}:one"], ["HRANDFIELD", "{k}:one", "-4"],
    ["HRANDFIELD", "{k}:one", "-3", "WithValues"], ["HRANDFIELD", "{k}:one", "1", "WITHVALUES"],
    ["HRANDFIELD", "{k}", "x"], ["HRANDFIELD", "{k}", "1.5"], ["HRANDFIELD", "{k}", "-9223372036854775808"],
    ["HRANDFIELD", "{k}", "9223372036854775808"], ["HRANDFIELD", "{k}", "1", "WITHVALUE"],
    ["HRANDFIELD", "{k}", "1", "WITHVALUES", "x"], ["HRANDFIELD", "{k}", "4611686018427387904", "WITHVALUES"],
    ["HRANDFIELD", "{k}", "-4611686018427387904", "WITHVALUES"], ["HRANDFIELD", "{k}", "-9223372036854775807", "WITHVALUES"],
    ["HRANDFIELD", "{k}", "x", "WITHVALUES"], ["HRANDFIELD", "{k}:missing", "x"], ["HRANDFIELD"],
  ]],
  ["HSCAN on a listpack: everything at once, MATCH, COUNT ignored, errors", [
    ["HSCAN", "{k}", "0"], ["HSCAN", "{k}", "0", "COUNT", "0"], ["HSCAN", "{k}", "x"],
    ["HSET", "{k}", "apple", "1", "banana", "2", "avocado", "3", "cherry", "4"],
    ["HSCAN", "{k}", "0"], ["HSCAN", "{k}", "0", "COUNT", "1"], ["HSCAN", "{k}", "0", "match", "a*"],
    ["HSCAN", "{k}", "0", "MATCH", "*"], ["HSCAN", "{k}", "0", "MATCH", "nothing"], ["HSCAN", "{k}", "0", "MATCH", "[bc]*", "COUNT", "2"],
    ["HSCAN", "{k}", "0", "MATCH", "a*", "MATCH", "b*"], ["HSCAN", "{k}", "123"], ["HSCAN", "{k}", "-1"], ["HSCAN", "{k}", ""],
    ["HSCAN", "{k}", "0", "COUNT", "0"], ["HSCAN", "{k}", "0", "COUNT", "-1"], ["HSCAN", "{k}", "0", "COUNT", "x"],
    ["HSCAN", "{k}", "0", "COUNT"], ["HSCAN", "{k}", "0", "MATCH"], ["HSCAN", "{k}", "0", "TYPE", "string"],
    ["HSCAN", "{k}", "0", "bogus", "1"], ["HSCAN", "{k}", "1x"], ["HSCAN", "{k}", " 1"], ["HSCAN", "{k}", "18446744073709551616"],
    ["HSCAN", "{k}", "18446744073709551615"], ["HSCAN", "{k}"],
  ]],
  ["arity of every command", [
    ["HSETNX", "{k}"], ["HGET"], ["HMGET", "{k}"], ["HDEL", "{k}"], ["HEXISTS", "{k}"], ["HLEN"], ["HSTRLEN", "{k}"],
    ["HKEYS"], ["HVALS", "{k}", "x"], ["HGETALL"], ["HINCRBY", "{k}", "a"], ["HINCRBYFLOAT", "{k}", "a", "1", "2"],
    ["HRANDFIELD"], ["HSCAN", "{k}"], ["HMSET", "{k}", "a"],
  ]],
];

describe("hash commands, byte for byte against redis-server", () => {
  for (const [name, cmds] of scripts) {
    test(name, async () => {
      await expectSame(cmds);
    });
  }

  test("RESP3: maps, nested HRANDFIELD pairs, nulls", async () => {
    await expectSame([
      ["HGETALL", "{k}"], ["HRANDFIELD", "{k}"], ["HRANDFIELD", "{k}", "3", "WITHVALUES"], ["HGET", "{k}", "a"],
      ["HSET", "{k}", "a", "1", "b", "2"], ["HGETALL", "{k}"], ["HKEYS", "{k}"], ["HMGET", "{k}", "a", "x"],
      ["HRANDFIELD", "{k}", "5", "WITHVALUES"], ["HRANDFIELD", "{k}", "5"], ["HSCAN", "{k}", "0"],
      ["HINCRBYFLOAT", "{k}", "a", "1.5"], ["HGET", "{k}", "nope"],
      ["HSET", "{k}:one", "f", "v"], ["HRANDFIELD", "{k}:one", "-3", "WITHVALUES"], ["HRANDFIELD", "{k}:one", "-2"],
      ["HRANDFIELD", "{k}:one", "1", "WITHVALUES"], ["HSCAN", "{k}:missing", "0"],
    ], true);
  });

  test("a hash of 500 fields comes back in insertion order through every reader", async () => {
    await expectSame([
      ...fill(500),
      ["HDEL", "{k}", "f5", "f77", "f499", "f498"], ["HSET", "{k}", "f5", "back", "f20", "changed"],
      ["HGETALL", "{k}"], ["HKEYS", "{k}"], ["HVALS", "{k}"], ["HSCAN", "{k}", "0", "COUNT", "3"],
      ["HRANDFIELD", "{k}", "600", "WITHVALUES"], ["OBJECT", "ENCODING", "{k}"],
    ]);
  });
});

// ---- hashtable encodings: same contents, Redis's order is its own --------------------------

describe("hashtable-encoded hashes", () => {
  test("HGETALL, HKEYS, HVALS hold the same entries", async () => {
    const [ours, theirs] = await both([
      ...fill(300), ["HSET", "{k}", "long", long65], ["HDEL", "{k}", "f3", "f200"],
      ["OBJECT", "ENCODING", "{k}"], ["HGETALL", "{k}"], ["HKEYS", "{k}"], ["HVALS", "{k}"], ["HLEN", "{k}"],
    ]);
    const a = parseReplies(ours);
    const b = parseReplies(theirs);
    expect(a.length).toBe(b.length);
    const n = a.length;
    expect(a.slice(0, n - 4)).toEqual(b.slice(0, n - 4));
    expect(sortedPairs(bulks(a[n - 4]))).toEqual(sortedPairs(bulks(b[n - 4])));
    expect(bulks(a[n - 3]).sort()).toEqual(bulks(b[n - 3]).sort());
    expect(bulks(a[n - 2]).sort()).toEqual(bulks(b[n - 2]).sort());
    expect(a[n - 1]).toEqual({ t: "int", v: "299" });
    expect(b[n - 1]).toEqual({ t: "int", v: "299" });
  });

  test("HSCAN with a cursor returns every field, and the cursor ends at 0", async () => {
    for (const port of [server.port, redis.port]) {
      const key = `h${++keyCounter}`;
      await exchangeResp(port, fill(1000, key));
      const seen = new Map<string, string>();
      let cursor = "0";
      let calls = 0;
      do {
        const [reply] = parseReplies(await exchangeResp(port, [["HSCAN", key, cursor, "COUNT", "25"]]));
        if (reply.t !== "array") throw new Error(JSON.stringify(reply));
        const [c, items] = reply.v;
        cursor = (c as { v: string }).v;
        const flat = bulks(items);
        for (let i = 0; i < flat.length; i += 2) seen.set(flat[i], flat[i + 1]);
        calls++;
        expect(calls).toBeLessThan(1000);
      } while (cursor !== "0");
      expect(calls).toBeGreaterThan(1);
      expect(seen.size).toBe(1000);
      for (let i = 0; i < 1000; i++) expect(seen.get(`f${i}`)).toBe(`v${i}`);
    }
  });

  test("HSCAN keeps SCAN's guarantee while fields come and go between calls", async () => {
    for (const port of [server.port, redis.port]) {
      const key = `h${++keyCounter}`;
      await exchangeResp(port, fill(1000, key));
      const rnd = prng(7);
      const removed = new Set<string>();
      const seen = new Set<string>();
      let cursor = "0";
      let next = 1000;
      let calls = 0;
      do {
        const dels: string[] = [];
        for (let k = 0; k < 30; k++) dels.push(`f${Math.floor(rnd() * next)}`);
        const adds: string[] = [];
        for (let k = 0; k < 5; k++) adds.push(`f${next}`, "new"), next++;
        const replies = parseReplies(await exchangeResp(port, [
          ["HSCAN", key, cursor, "COUNT", "20", "MATCH", "f*"], ["HDEL", key, ...dels], ["HSET", key, ...adds],
        ]));
        const scan = replies[0];
        if (scan.t !== "array") throw new Error(JSON.stringify(scan));
        cursor = (scan.v[0] as { v: string }).v;
        const flat = bulks(scan.v[1]);
        for (let i = 0; i < flat.length; i += 2) seen.add(flat[i]);
        for (const f of dels) removed.add(f);
        calls++;
        expect(calls).toBeLessThan(2000);
      } while (cursor !== "0");
      for (let i = 0; i < 1000; i++) if (!removed.has(`f${i}`)) expect(seen.has(`f${i}`)).toBe(true);
    }
  });

  test("HSCAN MATCH filters on fields of a hashtable", async () => {
    const [ours, theirs] = await both([...fill(600), ["HSCAN", "{k}", "0", "MATCH", "f1?", "COUNT", "100000"]]);
    const a = parseReplies(ours).at(-1)!;
    const b = parseReplies(theirs).at(-1)!;
    if (a.t !== "array" || b.t !== "array") throw new Error("not arrays");
    expect(a.v[0]).toEqual({ t: "bulk", v: "0" });
    expect(sortedPairs(bulks(a.v[1]))).toEqual(sortedPairs(bulks(b.v[1])));
    expect(bulks(a.v[1]).length).toBe(20);
  });
});

// ---- random commands: properties -----------------------------------------------------------

describe("HRANDFIELD", () => {
  async function hrandOurs(cmds: Cmd[], hello3 = false): Promise<Value[]> {
    return parseReplies(await exchangeResp(server.port, fresh(cmds), { hello3 }));
  }

  for (const size of [5, 300, 700]) {
    test(`distinct, repeated and WITHVALUES samples of a ${size}-field hash`, async () => {
      const replies = await hrandOurs([
        ...fill(size), ["HRANDFIELD", "{k}", "3"], ["HRANDFIELD", "{k}", "-50"], ["HRANDFIELD", "{k}", "4", "WITHVALUES"],
        ["HRANDFIELD", "{k}", "-6", "WITHVALUES"], ["HRANDFIELD", "{k}", String(size)], ["HRANDFIELD", "{k}", String(size - 1)],
      ]);
      const [distinct, repeated, withValues, repeatedWithValues, all, allButOne] = replies.slice(-6).map(bulks);
      const fields = new Set(Array.from({ length: size }, (_, i) => `f${i}`));
      expect(distinct.length).toBe(3);
      expect(new Set(distinct).size).toBe(3);
      for (const f of distinct) expect(fields.has(f)).toBe(true);
      expect(repeated.length).toBe(50);
      for (const f of repeated) expect(fields.has(f)).toBe(true);
      for (const flat of [withValues, repeatedWithValues]) {
        for (let i = 0; i < flat.length; i += 2) expect(flat[i + 1]).toBe(`v${flat[i].slice(1)}`);
      }
      expect(withValues.length).toBe(8);
      expect(new Set(withValues.filter((_, i) => i % 2 === 0)).size).toBe(4);
      expect(repeatedWithValues.length).toBe(12);
      expect(new Set(all)).toEqual(fields);
      expect(allButOne.length).toBe(size - 1);
      expect(new Set(allButOne).size).toBe(size - 1);
    });
  }

  test("every field turns up, singly and in samples", async () => {
    const cmds: Cmd[] = [...fill(5)];
    for (let i = 0; i < 200; i++) cmds.push(["HRANDFIELD", "{k}"]);
    cmds.push(["HRANDFIELD", "{k}", "-400"]);
    const replies = await hrandOurs(cmds);
    const singles = replies.slice(-201, -1).map((r) => (r as { v: string }).v);
    expect(new Set(singles).size).toBe(5);
    expect(new Set(bulks(replies.at(-1)!)).size).toBe(5);
  });

  test("RESP3: WITHVALUES pairs nest, for distinct and repeated samples", async () => {
    const replies = await hrandOurs([...fill(700), ["HRANDFIELD", "{k}", "3", "WITHVALUES"], ["HRANDFIELD", "{k}", "-3", "WITHVALUES"]], true);
    for (const r of replies.slice(-2)) {
      if (r.t !== "array") throw new Error(JSON.stringify(r));
      expect(r.v.length).toBe(3);
      for (const pair of r.v) {
        const [f, v] = bulks(pair);
        expect(v).toBe(`v${f.slice(1)}`);
      }
    }
  });
});

// ---- randomized differential ---------------------------------------------------------------

describe("randomized operations against redis-server", () => {
  /** Reads whose order is the encoding's: compared sorted when Redis holds a hashtable. */
  const ORDERED_READS = new Set(["HGETALL", "HKEYS", "HVALS", "HSCAN", "HRANDFIELD"]);

  for (const seed of [101, 202, 303]) {
    test(`seed ${seed}`, async () => {
      const rnd = prng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
      const keys = ["{k}:a", "{k}:b", "{k}:c", "{k}:d"];
      // Rarely a field or value over 64 bytes: it turns the key into a hashtable for good.
      const field = (): string => (rnd() < 0.05 ? bin : rnd() < 0.004 ? long65 : `f${Math.floor(rnd() * (rnd() < 0.8 ? 12 : 200))}`);
      const value = (): string =>
        rnd() < 0.006 ? long65 : pick(["", "0", "7", "-3", "1.5", "x", bin, "9223372036854775807", String(Math.floor(rnd() * 1000)), long64]);
      const cmds: Cmd[] = [["SET", "{k}:s", "string"]];
      /** For each command: the key its order depends on, when it is an ordered read. */
      const orderedKey: (string | null)[] = [null];
      const push = (cmd: Cmd): void => {
        if (ORDERED_READS.has(cmd[0])) {
          cmds.push(["OBJECT", "ENCODING", cmd[1]]);
          orderedKey.push(null);
          orderedKey.push(cmd[1]);
        } else {
          orderedKey.push(null);
        }
        cmds.push(cmd);
      };
      for (let step = 0; step < 400; step++) {
        const key = rnd() < 0.03 ? "{k}:s" : pick(keys);
        const r = rnd();
        if (r < 0.25) {
          const cmd = [pick(["HSET", "HSET", "HMSET"]), key];
          const n = 1 + Math.floor(rnd() * (rnd() < 0.1 ? 60 : 3));
          for (let i = 0; i < n; i++) cmd.push(field(), value());
          push(cmd);
        } else if (r < 0.3) push(["HSETNX", key, field(), value()]);
        else if (r < 0.45) {
          const cmd = ["HDEL", key];
          const n = 1 + Math.floor(rnd() * (rnd() < 0.1 ? 40 : 3));
          for (let i = 0; i < n; i++) cmd.push(field());
          push(cmd);
        } else if (r < 0.52) push(["HGET", key, field()]);
        else if (r < 0.55) push(["HMGET", key, field(), field(), field()]);
        else if (r < 0.58) push(["HEXISTS", key, field()]);
        else if (r < 0.61) push(["HSTRLEN", key, field()]);
        else if (r < 0.64) push(["HLEN", key]);
        else if (r < 0.7) push(["HINCRBY", key, field(), pick(["1", "-1", "100", "9223372036854775807", "-9223372036854775808", "x"])]);
        else if (r < 0.75) push(["HINCRBYFLOAT", key, field(), pick(["1.5", "-0.25", "1e3", "x", "inf", "3"])]);
        else if (r < 0.8) push([pick(["HGETALL", "HKEYS", "HVALS"]), key]);
        else if (r < 0.83) push(["HSCAN", key, "0", "COUNT", "100000", ...(rnd() < 0.5 ? ["MATCH", "f1*"] : [])]);
        else if (r < 0.86) push(["HRANDFIELD", key, "1000", ...(rnd() < 0.5 ? ["WITHVALUES"] : [])]);
        else if (r < 0.9) push(["EXISTS", key]);
        else if (r < 0.93) push(["OBJECT", "ENCODING", key]);
        else if (r < 0.95) push(["TYPE", key]);
        else push(["HGET", key, field()]);
      }
      const [ours, theirs] = await both(cmds);
      const a = parseReplies(ours);
      const b = parseReplies(theirs);
      expect(a.length).toBe(cmds.length);
      expect(b.length).toBe(cmds.length);
      for (let i = 0; i < cmds.length; i++) {
        const where = `${i}: ${JSON.stringify(cmds[i])}`;
        const encoding = orderedKey[i] !== null ? b[i - 1] : null;
        if (encoding !== null && encoding.t === "bulk" && encoding.v === "hashtable") {
          expect([where, normalise(cmds[i], a[i])]).toEqual([where, normalise(cmds[i], b[i])]);
        } else {
          expect([where, a[i]]).toEqual([where, b[i]]);
        }
      }
    });
  }

  /** An order-free form of an ordered read's reply. */
  function normalise(cmd: Cmd, v: Value): unknown {
    if (v.t === "error") return v;
    if (cmd[0] === "HSCAN") {
      if (v.t !== "array") return v;
      return [v.v[0], sortedPairs(bulks(v.v[1]))];
    }
    const flat = bulks(v);
    if (cmd[0] === "HGETALL" || cmd.includes("WITHVALUES")) return sortedPairs(flat);
    return flat.slice().sort();
  }
});

// ---- memory: the denyoom commands under noeviction -----------------------------------------

describe("a full heap under noeviction", () => {
  const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

  test("growing writes get -OOM, nothing is lost, HDEL makes room again", async () => {
    const small = await startServer({ set: ["cache.heap_size=1MB", "cache.segment_size=64KB", "cache.eviction=noeviction"] });
    try {
      const value = "v".repeat(1000);
      let stored = 0;
      let refused = "";
      for (let batch = 0; batch < 100 && refused === ""; batch++) {
        const cmds: Cmd[] = [];
        for (let i = 0; i < 50; i++) cmds.push(["HSET", "big", `f${batch * 50 + i}`, value]);
        for (const reply of parseReplies(await exchangeResp(small.port, cmds))) {
          if (reply.t === "int" && refused === "") stored++;
          else if (reply.t === "error" && refused === "") refused = reply.v;
        }
      }
      expect(`-${refused}\r\n`).toBe(OOM);
      expect(stored).toBeGreaterThan(100);
      const after = await exchangeResp(small.port, [
        ["HLEN", "big"], ["HSET", "other", "a", "1"], ["HINCRBY", "big", "n", "1"], ["HINCRBYFLOAT", "big", "n", "1"],
        ["HSETNX", "big", "new", "1"], ["HMSET", "big", "f0", "x"], ["HGET", "big", "f0"], ["EXISTS", "other"],
      ]);
      expect(after).toBe(`:${stored}\r\n${OOM}${OOM}${OOM}${OOM}${OOM}$1000\r\n${value}\r\n:0\r\n`);
      const fields = Array.from({ length: stored }, (_, i) => `f${i}`);
      const freed = await exchangeResp(small.port, [["HDEL", "big", ...fields.slice(0, stored - 10)], ["HSET", "big", "again", "1"], ["HLEN", "big"]]);
      expect(freed).toBe(`:${stored - 10}\r\n:1\r\n:11\r\n`);
    } finally {
      await small.stop();
    }
  });
});
