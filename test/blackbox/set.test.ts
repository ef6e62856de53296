// The set commands, compared byte for byte with a real redis-server 7.0 run by the test, in
// RESP2 and RESP3. Where Redis's order is its hash order (hashtable-encoded sets) or random
// (SPOP, SRANDMEMBER), replies are compared sorted or checked for their properties.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exchangeResp, prng, type RedisServer, splitReplies, startRedis } from "../helpers/redis.ts";
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

// ---- raw RESP replies ----------------------------------------------------------------------

/** The elements of an aggregate reply, raw, and its header. */
function elements(reply: string): { header: string; items: string[] } {
  const lineEnd = reply.indexOf("\r\n");
  const header = reply.slice(0, lineEnd + 2);
  if (!"*~".includes(reply[0])) return { header: reply, items: [] };
  return { header, items: splitReplies(reply.slice(lineEnd + 2)) };
}

/** An aggregate reply with its elements sorted (hash order is no order). */
function sorted(reply: string): string {
  const { header, items } = elements(reply);
  return header + [...items].sort().join("");
}

/** A bulk string's content. */
function bulkText(reply: string): string {
  const lineEnd = reply.indexOf("\r\n");
  return reply.slice(lineEnd + 2, reply.length - 2);
}

/** The members in a SMEMBERS-like reply. */
function members(reply: string): string[] {
  return elements(reply).items.map(bulkText);
}

// ---- running scripts --------------------------------------------------------------------

/** "SPOP*" in a script is SPOP whose reply is random: only its type and length are compared. */
async function run(port: number, cmds: Cmd[], hello3: boolean): Promise<string[]> {
  const sent = cmds.map((cmd) => (cmd[0] === "SPOP*" ? ["SPOP", ...cmd.slice(1)] : cmd));
  const raw = await exchangeResp(port, [["FLUSHALL"], ...sent], { hello3, timeoutMs: 20_000 });
  const replies = splitReplies(raw);
  expect(replies[0]).toBe("+OK\r\n");
  return replies.slice(1);
}

/** The script's replies from Crucible and from Redis, FLUSHALL first on each. */
async function both(cmds: Cmd[], hello3 = false): Promise<[string[], string[]]> {
  return Promise.all([run(server.port, cmds, hello3), run(redis.port, cmds, hello3)]);
}

/** The first line of a reply: its type and length, for replies whose content is random. */
function headerOnly(reply: string): string {
  return reply.slice(0, reply.indexOf("\r\n") + 2);
}

/** Same replies, byte for byte, in RESP2 and in RESP3 (random ones: the same type and length). */
async function expectSame(cmds: Cmd[]): Promise<void> {
  for (const hello3 of [false, true]) {
    const [ours, theirs] = await both(cmds, hello3);
    const label = (r: string[]) =>
      r.map((x, i) => `${JSON.stringify(cmds[i])} -> ${JSON.stringify(cmds[i][0] === "SPOP*" ? headerOnly(x) : x)}`);
    expect(label(ours)).toEqual(label(theirs));
  }
}

/** Same replies, where the commands at the `unordered` positions are compared sorted. */
async function expectSameUnordered(cmds: Cmd[], unordered: (cmd: Cmd) => boolean): Promise<void> {
  for (const hello3 of [false, true]) {
    const [ours, theirs] = await both(cmds, hello3);
    const norm = (r: string[]) => r.map((x, i) => `${JSON.stringify(cmds[i])} -> ${JSON.stringify(unordered(cmds[i]) ? sorted(x) : x)}`);
    expect(norm(ours)).toEqual(norm(theirs));
  }
}

const ints = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

// ---- deterministic scripts: byte for byte --------------------------------------------------

const scripts: [string, Cmd[]][] = [
  ["SADD, SCARD, SISMEMBER, SMISMEMBER", [
    ["SADD", "s", "3", "1", "2", "2", "1"], ["SADD", "s", "2", "4"], ["SCARD", "s"], ["SCARD", "nokey"],
    ["SISMEMBER", "s", "2"], ["SISMEMBER", "s", "02"], ["SISMEMBER", "s", "9"], ["SISMEMBER", "nokey", "1"],
    ["SMISMEMBER", "s", "1", "9", "4", "x"], ["SMISMEMBER", "nokey", "1", "2"], ["TYPE", "s"], ["OBJECT", "ENCODING", "s"],
  ]],
  ["an intset replies in ascending numeric order", [
    ["SADD", "s", "10", "-3", "9223372036854775807", "0", "-9223372036854775808", "2", "-20", "100"],
    ["SMEMBERS", "s"], ["SSCAN", "s", "0"], ["SRANDMEMBER", "s", "100"], ["SUNION", "s"], ["SINTER", "s", "s"], ["SDIFF", "s", "nokey"],
    ["OBJECT", "ENCODING", "s"], ["SPOP", "s", "8"], ["EXISTS", "s"],
  ]],
  ["non-canonical integers make a hashtable", [
    ["SADD", "a", "1", "007"], ["OBJECT", "ENCODING", "a"], ["SADD", "b", "1", "+1"], ["OBJECT", "ENCODING", "b"],
    ["SADD", "c", "1", "-0"], ["OBJECT", "ENCODING", "c"], ["SADD", "d", "1", "9223372036854775808"], ["OBJECT", "ENCODING", "d"],
    ["SADD", "e", "1", "-9223372036854775809"], ["OBJECT", "ENCODING", "e"], ["SADD", "f", "1", "1.0"], ["OBJECT", "ENCODING", "f"],
    ["SADD", "g", "1", ""], ["OBJECT", "ENCODING", "g"], ["SADD", "h", "x"], ["OBJECT", "ENCODING", "h"], ["SCARD", "g"],
    ["SISMEMBER", "a", "7"], ["SISMEMBER", "a", "007"],
  ]],
  ["513 integers make a hashtable, for good", [
    ["SADD", "s", ...ints(1, 512)], ["OBJECT", "ENCODING", "s"], ["SADD", "s", "512"], ["OBJECT", "ENCODING", "s"],
    ["SADD", "s", "513"], ["OBJECT", "ENCODING", "s"], ["SREM", "s", "513", "1", "2"], ["OBJECT", "ENCODING", "s"], ["SCARD", "s"],
    ["SADD", "t", ...ints(1, 513)], ["OBJECT", "ENCODING", "t"],
  ]],
  ["SREM", [
    ["SREM", "nokey", "a"], ["SADD", "s", "a", "b", "c"], ["SREM", "s", "x", "y"], ["SREM", "s", "a", "a", "x"], ["SCARD", "s"],
    ["SREM", "s", "b", "c", "d"], ["EXISTS", "s"], ["TYPE", "s"], ["SADD", "s", "1"], ["EXPIRE", "s", "100"], ["SADD", "s", "2"],
    ["SREM", "s", "1"], ["TTL", "s"],
  ]],
  ["WRONGTYPE against a string key", [
    ["SET", "str", "x"], ["SADD", "str", "1"], ["SREM", "str", "1"], ["SISMEMBER", "str", "1"], ["SMISMEMBER", "str", "1"],
    ["SCARD", "str"], ["SMEMBERS", "str"], ["SPOP", "str"], ["SPOP", "str", "1"], ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "2"],
    ["SADD", "s", "1"], ["SMOVE", "str", "s", "1"], ["SMOVE", "s", "str", "1"], ["SMOVE", "nokey", "str", "1"], ["SINTER", "s", "str"],
    ["SINTER", "nokey", "str"], ["SINTERCARD", "2", "nokey", "str"], ["SINTERSTORE", "d", "nokey", "str"], ["SUNION", "s", "str"],
    ["SUNIONSTORE", "d", "str"], ["SDIFF", "nokey", "str"], ["SDIFFSTORE", "d", "s", "str"], ["SSCAN", "str", "0"],
    ["SSCAN", "str", "0", "COUNT", "0"], ["SINTERSTORE", "str", "s"], ["TYPE", "str"], ["SMEMBERS", "str"],
  ]],
  ["wrong number of arguments", [
    ["SADD", "s"], ["SREM", "s"], ["SISMEMBER", "s"], ["SISMEMBER", "s", "a", "b"], ["SMISMEMBER", "s"], ["SCARD"], ["SCARD", "s", "x"],
    ["SMEMBERS"], ["SMEMBERS", "a", "b"], ["SPOP"], ["SRANDMEMBER"], ["SMOVE", "a", "b"], ["SMOVE", "a", "b", "c", "d"], ["SINTER"],
    ["SINTERCARD", "1"], ["SINTERSTORE", "d"], ["SUNION"], ["SUNIONSTORE", "d"], ["SDIFF"], ["SDIFFSTORE", "d"], ["SSCAN", "s"],
  ]],
  ["SPOP", [
    ["SPOP", "nokey"], ["SPOP", "nokey", "3"], ["SPOP", "nokey", "0"], ["SPOP", "nokey", "-1"], ["SADD", "s", "5", "1", "3"],
    ["SPOP", "s", "-1"], ["SPOP", "s", "abc"], ["SPOP", "s", "1.5"], ["SPOP", "s", "9223372036854775808"], ["SPOP", "s", "1", "2"],
    ["SPOP", "s", "0"], ["SCARD", "s"], ["EXPIRE", "s", "100"], ["SPOP", "s", "9223372036854775807"], ["EXISTS", "s"],
    ["SADD", "t", "7"], ["SPOP", "t"], ["EXISTS", "t"], ["SADD", "u", "1", "2"], ["SPOP", "u", "2"], ["EXISTS", "u"],
    ["SADD", "v", "1", "2", "3", "4"], ["EXPIRE", "v", "100"], ["SPOP*", "v"], ["SPOP*", "v", "2"], ["SCARD", "v"], ["TTL", "v"],
  ]],
  ["SRANDMEMBER", [
    ["SRANDMEMBER", "nokey"], ["SRANDMEMBER", "nokey", "3"], ["SRANDMEMBER", "nokey", "-3"], ["SRANDMEMBER", "nokey", "0"],
    ["SRANDMEMBER", "nokey", "abc"], ["SADD", "s", "30", "10", "20"], ["SRANDMEMBER", "s", "0"], ["SRANDMEMBER", "s", "3"],
    ["SRANDMEMBER", "s", "9223372036854775807"], ["SRANDMEMBER", "s", "-9223372036854775808"],
    ["SRANDMEMBER", "s", "-9223372036854775809"], ["SRANDMEMBER", "s", "abc"], ["SRANDMEMBER", "s", "1", "2"], ["SCARD", "s"],
    ["SADD", "one", "only"], ["SRANDMEMBER", "one"], ["SRANDMEMBER", "one", "-4"], ["SRANDMEMBER", "one", "4"], ["SRANDMEMBER", "one", "1"],
  ]],
  ["SMOVE", [
    ["SMOVE", "nokey", "d", "a"], ["SADD", "s", "1", "2", "x"], ["SMOVE", "s", "d", "9"], ["EXISTS", "d"], ["SMOVE", "s", "s", "1"],
    ["SMOVE", "s", "s", "9"], ["SMOVE", "s", "d", "1"], ["OBJECT", "ENCODING", "d"], ["SMEMBERS", "d"], ["SADD", "d", "2"],
    ["EXPIRE", "d", "100"], ["SMOVE", "s", "d", "2"], ["SCARD", "s"], ["SMEMBERS", "d"], ["TTL", "d"], ["SMOVE", "s", "d", "x"],
    ["OBJECT", "ENCODING", "d"], ["EXISTS", "s"], ["SCARD", "d"], ["SADD", "e", "y"], ["SMOVE", "d", "e", "1"], ["OBJECT", "ENCODING", "e"],
    ["SMOVE", "e", "new", "1"], ["OBJECT", "ENCODING", "new"],
  ]],
  ["SINTER, SINTERSTORE", [
    ["SADD", "a", "1", "2", "3", "4", "5"], ["SADD", "b", "5", "3", "1", "7"], ["SADD", "c", "1", "5", "9"], ["SINTER", "a", "b"],
    ["SINTER", "a", "b", "c"], ["SINTER", "a", "nokey"], ["SINTER", "nokey"], ["SINTER", "a", "a"], ["SINTERSTORE", "d", "a", "b"],
    ["SMEMBERS", "d"], ["OBJECT", "ENCODING", "d"], ["SET", "str", "x"], ["EXPIRE", "str", "100"], ["SINTERSTORE", "str", "a", "c"],
    ["TYPE", "str"], ["TTL", "str"], ["SMEMBERS", "str"], ["SINTERSTORE", "d", "a", "nokey"], ["EXISTS", "d"],
    ["SINTERSTORE", "d", "a", "b"], ["SINTERSTORE", "d", "b", "c", "nokey"], ["EXISTS", "d"], ["SINTERSTORE", "a", "a", "c"],
    ["SMEMBERS", "a"], ["SINTERSTORE", "e", "b"], ["SMEMBERS", "e"], ["SADD", "x", "x"], ["SINTERSTORE", "e", "x", "b"], ["EXISTS", "e"],
  ]],
  ["SINTERCARD", [
    ["SADD", "a", "1", "2", "3", "4"], ["SADD", "b", "2", "3", "4", "5"], ["SINTERCARD", "2", "a", "b"], ["SINTERCARD", "1", "a"],
    ["SINTERCARD", "2", "a", "b", "LIMIT", "2"], ["SINTERCARD", "2", "a", "b", "limit", "0"], ["SINTERCARD", "2", "a", "b", "LIMIT", "100"],
    ["SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "3"], ["SINTERCARD", "2", "a", "nokey"], ["SINTERCARD", "0", "a"],
    ["SINTERCARD", "-1", "a"], ["SINTERCARD", "abc", "a"], ["SINTERCARD", "9223372036854775808", "a"], ["SINTERCARD", "3", "a", "b"],
    ["SINTERCARD", "2", "a", "b", "LIMIT", "-1"], ["SINTERCARD", "2", "a", "b", "LIMIT", "x"], ["SINTERCARD", "2", "a", "b", "LIMIT"],
    ["SINTERCARD", "2", "a", "b", "COUNT", "1"], ["SINTERCARD", "1", "a", "b"], ["SINTERCARD", "1", "nokey", "LIMIT", "-5"],
  ]],
  ["SUNION, SDIFF and their STORE forms", [
    ["SADD", "a", "4", "1", "2"], ["SADD", "b", "2", "3", "-1"], ["SUNION", "a", "b"], ["SUNION", "a", "nokey", "b"], ["SUNION", "nokey"],
    ["SDIFF", "a", "b"], ["SDIFF", "b", "a"], ["SDIFF", "a", "nokey"], ["SDIFF", "nokey", "a"], ["SDIFF", "a", "b", "a"], ["SDIFF", "a", "a"],
    ["SUNIONSTORE", "d", "a", "b"], ["SMEMBERS", "d"], ["OBJECT", "ENCODING", "d"], ["EXPIRE", "d", "100"], ["SDIFFSTORE", "d", "a", "b"],
    ["TTL", "d"], ["SMEMBERS", "d"], ["SDIFFSTORE", "d", "a", "a"], ["EXISTS", "d"], ["SUNIONSTORE", "d", "nokey"], ["EXISTS", "d"],
    ["SUNIONSTORE", "a", "a", "b"], ["SMEMBERS", "a"], ["SDIFFSTORE", "b", "b", "nokey"], ["SMEMBERS", "b"],
    ["SUNIONSTORE", "e", "a", "x"], ["SADD", "x", "z"], ["SUNIONSTORE", "e", "a", "x"], ["OBJECT", "ENCODING", "e"],
  ]],
  ["the SDIFF algorithm Redis picks decides the result's encoding", [
    ["SADD", "a", "x", ...ints(1, 10)], ["SADD", "b", "x"], ["SADD", "c", "y"], ["SADD", "d", "z"], ["SADD", "e", "w"], ["SADD", "f", "v"],
    ["SDIFFSTORE", "g", "a", "b", "c", "d", "e", "f"], ["OBJECT", "ENCODING", "g"], ["SCARD", "g"],
    ["SDIFFSTORE", "h", "a", "b"], ["OBJECT", "ENCODING", "h"], ["SMEMBERS", "h"],
  ]],
  ["SSCAN", [
    ["SSCAN", "nokey", "0"], ["SSCAN", "nokey", "0", "COUNT", "0"], ["SSCAN", "nokey", "abc"], ["SSCAN", "nokey", "0", "bogus"],
    ["SADD", "s", "12", "3", "21", "1", "-5"], ["SSCAN", "s", "0"], ["SSCAN", "s", "7"], ["SSCAN", "s", "-1"], ["SSCAN", "s", ""],
    ["SSCAN", "s", "18446744073709551615"], ["SSCAN", "s", "18446744073709551616"], ["SSCAN", "s", "+3"], ["SSCAN", "s", " 1"],
    ["SSCAN", "s", "1x"], ["SSCAN", "s", "-"], ["SSCAN", "s", "0", "COUNT", "1"], ["SSCAN", "s", "0", "COUNT", "0"],
    ["SSCAN", "s", "0", "COUNT", "-1"], ["SSCAN", "s", "0", "COUNT", "x"], ["SSCAN", "s", "0", "MATCH", "1*"],
    ["SSCAN", "s", "0", "match", "*1", "count", "2"], ["SSCAN", "s", "0", "MATCH", "*"], ["SSCAN", "s", "0", "MATCH", "[0-2]"],
    ["SSCAN", "s", "0", "MATCH"], ["SSCAN", "s", "0", "TYPE", "set"], ["SSCAN", "s", "0", "COUNT", "1", "MATCH", "nothing"],
    ["SADD", "one", "a\u0000b"], ["SSCAN", "one", "0", "MATCH", "a?b"],
  ]],
  ["binary members", [
    ["SADD", "s", "\u0000\u00ff", "a\r\nb", "", "\u00ff"], ["SCARD", "s"], ["SISMEMBER", "s", "\u0000\u00ff"], ["SISMEMBER", "s", ""],
    ["SISMEMBER", "s", "\u0000"], ["SMISMEMBER", "s", "a\r\nb", "a\nb", "\u00ff"], ["SREM", "s", "\u0000\u00ff", "a\r\nb", "\u00ff"],
    ["SMEMBERS", "s"], ["SMOVE", "s", "t", ""], ["SMEMBERS", "t"], ["EXISTS", "s"], ["SADD", "u", "\u0080\u009f"],
    ["SINTER", "u", "u"], ["SPOP", "u"],
  ]],
];

describe("set commands, byte for byte", () => {
  for (const [name, cmds] of scripts) test(name, () => expectSame(cmds));
});

// ---- hashtable order: compared sorted ------------------------------------------------------

const isReadAll = (cmd: Cmd) => ["SMEMBERS", "SINTER", "SUNION", "SDIFF"].includes(cmd[0].toUpperCase());

describe("hashtable-encoded sets, compared sorted", () => {
  test("set algebra with binary and text members", async () => {
    await expectSameUnordered([
      ["SADD", "a", "x", "y", "z", "\u0000", "\u00ff\u00fe", "1", "2"], ["SADD", "b", "y", "z", "w", "\u0000", "2", "3"],
      ["SADD", "c", "z", "\u0000", "q"], ["SMEMBERS", "a"], ["SINTER", "a", "b"], ["SINTER", "a", "b", "c"], ["SUNION", "a", "b", "c"],
      ["SDIFF", "a", "b"], ["SDIFF", "a", "b", "c"], ["SINTERCARD", "3", "a", "b", "c"], ["SINTERSTORE", "d", "a", "b"], ["SMEMBERS", "d"],
      ["SUNIONSTORE", "d", "a", "c"], ["SMEMBERS", "d"], ["SDIFFSTORE", "d", "a", "c"], ["SMEMBERS", "d"], ["OBJECT", "ENCODING", "d"],
      ["SINTERSTORE", "d", "a", "b", "c"], ["SMEMBERS", "d"], ["SINTERSTORE", "i", "a", "b", "nokey"], ["EXISTS", "i"],
      ["SRANDMEMBER", "a", "100"], ["SPOP", "c", "3"], ["EXISTS", "c"],
    ], (cmd) => isReadAll(cmd) || ((cmd[0] === "SRANDMEMBER" || cmd[0] === "SPOP") && cmd.length === 3));
  });

  test("a large set: SSCAN iterates everything, whatever COUNT and MATCH", async () => {
    const many = Array.from({ length: 1500 }, (_, i) => `m:${i}:${i % 7 === 0 ? "\u00ff" : "x"}`);
    for (const port of [server.port, redis.port]) {
      await exchangeResp(port, [["FLUSHALL"], ["SADD", "big", ...many]]);
      for (const [count, match] of [[10, null], [1, null], [97, null], [5000, null], [20, "m:1*"], [3, "*\u00ff"]] as [number, string | null][]) {
        const seen = new Set<string>();
        let cursor = "0";
        let calls = 0;
        do {
          const cmd = ["SSCAN", "big", cursor, "COUNT", String(count)];
          if (match !== null) cmd.push("MATCH", match);
          const [reply] = splitReplies(await exchangeResp(port, [cmd]));
          const [cur, list] = elements(reply).items;
          cursor = bulkText(cur);
          for (const m of members(list)) seen.add(m);
          calls++;
          expect(calls).toBeLessThan(20_000);
        } while (cursor !== "0");
        const re = match === null ? null : new RegExp(`^${match.replaceAll("*", ".*")}$`);
        const expected = many.filter((m) => re === null || re.test(m)).sort();
        expect([...seen].sort()).toEqual(expected);
      }
    }
  });

  test("SSCAN returns every member present throughout, while the set changes", async () => {
    const initial = Array.from({ length: 600 }, (_, i) => `k${i}`);
    await exchangeResp(server.port, [["FLUSHALL"], ["SADD", "s", ...initial]]);
    const removed = new Set<string>();
    const seen = new Set<string>();
    let cursor = "0";
    let round = 0;
    do {
      const victims = [initial[(round * 37) % 600], initial[(round * 91 + 5) % 600]];
      for (const v of victims) removed.add(v);
      const raw = await exchangeResp(server.port, [
        ["SSCAN", "s", cursor, "COUNT", "25"], ["SREM", "s", ...victims], ["SADD", "s", `new${round}`, `new${round}b`],
      ]);
      const [cur, list] = elements(splitReplies(raw)[0]).items;
      cursor = bulkText(cur);
      for (const m of members(list)) seen.add(m);
      round++;
      expect(round).toBeLessThan(1000);
    } while (cursor !== "0");
    for (const m of initial) if (!removed.has(m)) expect(seen.has(m)).toBe(true);
  });
});

// ---- random commands: properties ----------------------------------------------------------

describe("random members", () => {
  const text = Array.from({ length: 40 }, (_, i) => `t${i}`);
  const numbers = ints(1, 40);

  for (const [kind, pool] of [["hashtable", text], ["intset", numbers]] as const) {
    test(`SRANDMEMBER on an ${kind}: distinct samples, repeats with a negative count`, async () => {
      for (const port of [server.port, redis.port]) {
        for (const hello3 of [false, true]) {
          // 5 and 30 take Redis's two sampling paths (count*3 below and above the size).
          const cmds: Cmd[] = [["SADD", "s", ...pool], ["SRANDMEMBER", "s", "5"], ["SRANDMEMBER", "s", "30"], ["SRANDMEMBER", "s", "-100"],
            ["SRANDMEMBER", "s"], ["SRANDMEMBER", "s", "39"]];
          const replies = await run(port, cmds, hello3);
          for (const [i, n] of [[1, 5], [2, 30], [5, 39]]) {
            expect(replies[i].startsWith(`*${n}\r\n`)).toBe(true);
            const got = members(replies[i]);
            expect(new Set(got).size).toBe(n);
            for (const m of got) expect(pool).toContain(m);
          }
          expect(replies[3].startsWith("*100\r\n")).toBe(true);
          const repeated = members(replies[3]);
          for (const m of repeated) expect(pool).toContain(m);
          expect(new Set(repeated).size).toBeGreaterThan(10);
          expect(pool).toContain(bulkText(replies[4]));
        }
      }
    });

    test(`SPOP on an ${kind}: what is popped is gone, the rest stays`, async () => {
      for (const port of [server.port, redis.port]) {
        for (const hello3 of [false, true]) {
          // 3 pops one by one in Redis; 37 keeps the 3 survivors in a new set.
          const cmds: Cmd[] = [["SADD", "s", ...pool], ["SPOP", "s"], ["SPOP", "s", "3"], ["SPOP", "s", "33"], ["SMEMBERS", "s"],
            ["OBJECT", "ENCODING", "s"]];
          const replies = await run(port, cmds, hello3);
          const popped = [bulkText(replies[1]), ...members(replies[2]), ...members(replies[3])];
          expect(replies[2].startsWith(hello3 ? "~3\r\n" : "*3\r\n")).toBe(true);
          expect(replies[3].startsWith(hello3 ? "~33\r\n" : "*33\r\n")).toBe(true);
          const rest = members(replies[4]);
          expect(rest.length).toBe(3);
          expect([...popped, ...rest].sort()).toEqual([...pool].sort());
          if (kind === "intset") {
            expect(members(replies[3])).toEqual([...members(replies[3])].sort((a, b) => Number(a) - Number(b)));
            expect(rest).toEqual([...rest].sort((a, b) => Number(a) - Number(b)));
          }
          expect(bulkText(replies[5])).toBe(kind);
        }
      }
    });
  }

  test("SPOP close to the size rebuilds the set, an intset again when the survivors allow", async () => {
    for (const port of [server.port, redis.port]) {
      for (let round = 0; round < 12; round++) {
        const replies = await run(port, [["SADD", "s", "a", ...ints(1, 9)], ["SPOP", "s", "9"], ["SMEMBERS", "s"], ["OBJECT", "ENCODING", "s"]], false);
        const [survivor] = members(replies[2]);
        expect(bulkText(replies[3])).toBe(survivor === "a" ? "hashtable" : "intset");
      }
    }
  });
});

// ---- randomized differential run ---------------------------------------------------------

const MEMBERS = [
  ...ints(-3, 12), "9223372036854775807", "-9223372036854775808", "007", "-0", "a", "b", "c", "", "\u0000", "\u00ff\u0000", "x y",
];

function randomScript(seed: number, steps: number): Cmd[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const keys = ["k0", "k1", "k2", "k3", "str", "none"];
  const some = (n: number) => Array.from({ length: 1 + Math.floor(r() * n) }, () => pick(MEMBERS));
  const someKeys = () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(keys));
  const cmds: Cmd[] = [["SET", "str", "v"]];
  for (let i = 0; i < steps; i++) {
    const x = Math.floor(r() * 22);
    const k = pick(keys);
    switch (x) {
      case 0: case 1: case 2: cmds.push(["SADD", k, ...some(5)]); break;
      case 3: cmds.push(["SADD", k, ...ints(1000 + Math.floor(r() * 10), 1520)]); break;
      case 4: case 5: cmds.push(["SREM", k, ...some(4)]); break;
      case 6: cmds.push(["SISMEMBER", k, pick(MEMBERS)]); break;
      case 7: cmds.push(["SMISMEMBER", k, ...some(4)]); break;
      case 8: cmds.push(["SCARD", k]); break;
      case 9: cmds.push(["OBJECT", "ENCODING", k], ["SMEMBERS", k]); break;
      case 10: cmds.push(["SMOVE", k, pick(keys), pick(MEMBERS)]); break;
      case 11: cmds.push(["SINTER", ...someKeys()]); break;
      case 12: cmds.push(["SUNION", ...someKeys()]); break;
      case 13: cmds.push(["SDIFF", ...someKeys()]); break;
      case 14: cmds.push(["SINTERCARD", "2", pick(keys), pick(keys), "LIMIT", String(Math.floor(r() * 4))]); break;
      case 15: cmds.push(["SINTERSTORE", pick(keys), ...someKeys()]); break;
      case 16: cmds.push(["SUNIONSTORE", pick(keys), ...someKeys()]); break;
      case 17: cmds.push(["SDIFFSTORE", pick(keys), ...someKeys()]); break;
      case 18: cmds.push(["SPOP", k, "100000"]); break;
      case 19: cmds.push(["SRANDMEMBER", k, "100000"]); break;
      case 20: cmds.push(["SSCAN", k, "0", "COUNT", "100000"]); break;
      default: cmds.push(["OBJECT", "ENCODING", k], ["TYPE", k]); break;
    }
  }
  for (const k of keys) cmds.push(["OBJECT", "ENCODING", k], ["SMEMBERS", k]);
  return cmds;
}

/**
 * Replies in hash order compared sorted; SMEMBERS exactly when the OBJECT ENCODING asked
 * just before says intset (then the order is Redis's ascending order).
 */
function normalise(cmds: Cmd[], replies: string[]): string[] {
  return replies.map((reply, i) => {
    const name = cmds[i][0];
    let out = reply;
    if (name === "SMEMBERS") {
      const intset = i > 0 && cmds[i - 1][0] === "OBJECT" && replies[i - 1] === "$6\r\nintset\r\n";
      if (!intset) out = sorted(reply);
    } else if (["SINTER", "SUNION", "SDIFF", "SPOP", "SRANDMEMBER"].includes(name)) {
      out = sorted(reply);
    } else if (name === "SSCAN" && reply.startsWith("*2\r\n")) {
      const { header, items } = elements(reply);
      out = header + items[0] + sorted(items[1]);
    }
    return `${JSON.stringify(cmds[i]).slice(0, 120)} -> ${JSON.stringify(out)}`;
  });
}

describe("randomized against redis-server", () => {
  for (const seed of [1, 2, 3]) {
    test(`seed ${seed}`, async () => {
      const cmds = randomScript(seed, 300);
      for (const hello3 of [false, true]) {
        const [ours, theirs] = await both(cmds, hello3);
        expect(normalise(cmds, ours)).toEqual(normalise(cmds, theirs));
      }
    });
  }
});

// ---- memory: the denyoom commands under noeviction -----------------------------------------

describe("a full heap under noeviction", () => {
  const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

  test("growing writes get -OOM, nothing is lost, SREM makes room again", async () => {
    const small = await startServer({ set: ["cache.heap_size=1MB", "cache.segment_size=64KB", "cache.eviction=noeviction"] });
    try {
      const member = (i: number) => `${"m".repeat(1000)}${i}`;
      let stored = 0;
      let refused = "";
      for (let batch = 0; batch < 100 && refused === ""; batch++) {
        const cmds: Cmd[] = [];
        for (let i = 0; i < 50; i++) cmds.push(["SADD", "big", member(batch * 50 + i)]);
        for (const reply of splitReplies(await exchangeResp(small.port, cmds))) {
          if (refused !== "") break;
          if (reply === ":1\r\n") stored++;
          else refused = reply;
        }
      }
      expect(refused).toBe(OOM);
      expect(stored).toBeGreaterThan(100);
      const after = await exchangeResp(small.port, [
        ["SCARD", "big"], ["SADD", "other", "a"], ["SINTERSTORE", "d", "big"], ["SUNIONSTORE", "d", "big"], ["SDIFFSTORE", "d", "big"],
        ["SISMEMBER", "big", member(0)], ["EXISTS", "other", "d"],
      ]);
      expect(after).toBe(`:${stored}\r\n${OOM}${OOM}${OOM}${OOM}:1\r\n:0\r\n`);
      // SMOVE is not denyoom: to a new key it either moves the member or, finding no room for
      // the new set, refuses with nothing changed.
      const [moved, inSource, inDest] = splitReplies(await exchangeResp(small.port, [
        ["SMOVE", "big", "fresh", member(1)], ["SISMEMBER", "big", member(1)], ["SISMEMBER", "fresh", member(1)],
      ]));
      if (moved === ":1\r\n") expect([inSource, inDest]).toEqual([":0\r\n", ":1\r\n"]);
      else expect([moved, inSource, inDest]).toEqual([OOM, ":1\r\n", ":0\r\n"]);
      const rest = Array.from({ length: stored }, (_, i) => member(i)).filter((_, i) => i !== 1);
      const freed = await exchangeResp(small.port, [["SREM", "big", ...rest.slice(0, rest.length - 10)], ["SADD", "big", "again"], ["SCARD", "big"]]);
      expect(freed).toBe(`:${rest.length - 10}\r\n:1\r\n:${moved === ":1\r\n" ? 11 : 12}\r\n`);
    } finally {
      await small.stop();
    }
  });
});
