// The sorted-set commands, compared byte for byte with a real redis-server 7.0 run by the
// test, in RESP2 and RESP3. A sorted set's order is fully defined (score, then member bytes),
// so almost everything compares exactly; where Redis's answer is random (ZRANDMEMBER) or in
// hash order (ZSCAN of a skiplist-encoded set), replies are checked for their properties.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exchangeResp, prng, type RedisServer, splitReplies, startRedis } from "../helpers/redis.ts";
import { parseReply, RawClient, type RespValue } from "../helpers/raw.ts";
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

/** The raw elements of an aggregate reply. */
function items(reply: string): string[] {
  if (!"*~".includes(reply[0])) return [];
  return splitReplies(reply.slice(reply.indexOf("\r\n") + 2));
}

/** A bulk string's content. */
function bulkText(reply: string): string {
  return reply.slice(reply.indexOf("\r\n") + 2, reply.length - 2);
}

function parse(raw: string): RespValue {
  const r = parseReply(raw);
  if (!r) throw new Error(`incomplete reply ${JSON.stringify(raw.slice(0, 200))}`);
  return r.value;
}

// ---- running scripts --------------------------------------------------------------------

async function run(port: number, cmds: Cmd[], hello3: boolean): Promise<string[]> {
  const raw = await exchangeResp(port, [["FLUSHALL"], ...cmds], { hello3, timeoutMs: 20_000 });
  const replies = splitReplies(raw);
  expect(replies[0]).toBe("+OK\r\n");
  return replies.slice(1);
}

/** The script's replies from Crucible and from Redis, FLUSHALL first on each. */
async function both(cmds: Cmd[], hello3 = false): Promise<[string[], string[]]> {
  return Promise.all([run(server.port, cmds, hello3), run(redis.port, cmds, hello3)]);
}

function labelled(cmds: Cmd[], replies: string[]): string[] {
  return replies.map((x, i) => `${JSON.stringify(cmds[i]).slice(0, 200)} -> ${JSON.stringify(x)}`);
}

/** Same replies, byte for byte, in RESP2 and in RESP3. */
async function expectSame(cmds: Cmd[]): Promise<void> {
  for (const hello3 of [false, true]) {
    const [ours, theirs] = await both(cmds, hello3);
    expect(labelled(cmds, ours)).toEqual(labelled(cmds, theirs));
  }
}

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
/** ZADD arguments for n members "m0".."m<n-1>" scored by f. */
const pairs = (n: number, f: (i: number) => string, name = (i: number) => `m${i}`) => range(n, (i) => [f(i), name(i)]).flat();
const LONG = "L".repeat(65);

// ---- deterministic scripts: byte for byte --------------------------------------------------

const scripts: [string, Cmd[]][] = [
  ["ZADD: options, CH, replies", [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZADD", "z", "1", "a"], ["ZADD", "z", "10", "a", "4", "d"], ["ZADD", "z", "CH", "11", "a", "5", "e", "5", "e"],
    ["ZADD", "z", "NX", "100", "a", "6", "f"], ["ZADD", "z", "XX", "100", "a", "7", "g"], ["ZADD", "z", "XX", "CH", "101", "a", "7", "g"],
    ["ZADD", "z", "GT", "CH", "50", "a", "200", "b", "8", "h"], ["ZADD", "z", "LT", "CH", "1", "a", "300", "b", "9", "i"],
    ["ZADD", "z", "GT", "XX", "CH", "2", "a", "400", "b"], ["ZADD", "z", "lt", "xx", "ch", "1", "a"], ["ZADD", "z", "Nx", "cH", "1", "new"],
    ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZADD", "z", "1", "a", "1", "a", "2", "a"], ["ZSCORE", "z", "a"],
    ["ZADD", "nokey", "XX", "1", "a"], ["EXISTS", "nokey"], ["ZADD", "nokey", "XX", "INCR", "1", "a"], ["EXISTS", "nokey"],
    ["ZADD", "z", "CH", "CH", "NX", "NX", "5", "zz"], ["TYPE", "z"], ["ZADD", "e", "0", ""], ["ZCARD", "e"],
  ]],
  ["ZADD: errors, checked before the key", [
    ["SET", "str", "x"], ["ZADD", "z", "1"], ["ZADD", "z", "1", "a", "2"], ["ZADD", "z", "NX"], ["ZADD", "z", "NX", "XX", "1", "a"],
    ["ZADD", "z", "GT", "LT", "1", "a"], ["ZADD", "z", "GT", "NX", "1", "a"], ["ZADD", "z", "LT", "NX", "1", "a"],
    ["ZADD", "z", "INCR", "1", "a", "2", "b"], ["ZADD", "z", "x", "a"], ["ZADD", "z", "nan", "a"], ["ZADD", "z", "1", "a", "nan", "b"],
    ["ZADD", "z", " 1", "a"], ["ZADD", "z", "1 ", "a"], ["ZADD", "z", "", "a"], ["ZADD", "z", "1e400", "a"], ["ZADD", "z", "0x10", "a"],
    ["ZADD", "z", "1\x00", "a"], ["EXISTS", "z"], ["ZADD", "str", "x", "a"], ["ZADD", "str", "1", "a"], ["ZADD", "str", "XX", "1", "a"],
    ["ZADD", "z", "NX", "XX", "x", "a"], ["ZADD", "z", "INCR", "x", "a", "1", "b"],
  ]],
  ["ZINCRBY and ZADD INCR: infinities, NaN, -0", [
    ["ZINCRBY", "z", "1.5", "a"], ["ZINCRBY", "z", "2.25", "a"], ["ZINCRBY", "z", "-10", "b"], ["ZINCRBY", "z", "x", "a"],
    ["ZINCRBY", "z", "nan", "a"], ["ZINCRBY", "z", "inf", "a"], ["ZINCRBY", "z", "-inf", "a"], ["ZSCORE", "z", "a"],
    ["ZINCRBY", "z", "+inf", "a"], ["ZADD", "z", "INCR", "-inf", "a"], ["ZADD", "z", "INCR", "1", "c"], ["ZADD", "z", "NX", "INCR", "1", "c"],
    ["ZADD", "z", "XX", "INCR", "1", "nope"], ["ZADD", "z", "GT", "INCR", "-1", "c"], ["ZADD", "z", "LT", "INCR", "-1", "c"],
    ["ZADD", "z", "GT", "INCR", "1", "c"], ["ZINCRBY", "z", "-0", "d"], ["ZADD", "z", "INCR", "-0", "e"], ["ZSCORE", "z", "d"],
    ["ZINCRBY", "z", "NX", "1"], ["ZINCRBY", "z", "incr", "a"], ["ZINCRBY", "z", "0.1", "f"], ["ZINCRBY", "z", "0.2", "f"],
    ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["SET", "str", "x"], ["ZINCRBY", "str", "1", "a"], ["ZINCRBY", "str", "x", "a"],
  ]],
  ["scores are printed as Redis 7.0 prints them (%.17g)", [
    ["ZADD", "z", "0.1", "a", "1.1", "b", "1e-5", "c", "0.0001", "d", "1e16", "e", "1e17", "f", "123456789012345678", "g",
      "3.141592653589793", "h", "-2.5e-7", "i", "1e300", "j", "5e-324", "k", "1.7976931348623157e308", "l", "100000000000000.125", "m",
      "2.5", "n", "4503599627370497", "o", "-0.30000000000000004", "p", "6.42923", "q", "1e21", "r", "0.5e-4", "s"],
    ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["ZSCORE", "z", "m"], ["ZMSCORE", "z", "a", "b", "c"], ["ZINCRBY", "z", "0.2", "a"],
    ["ZPOPMAX", "z"], ["ZPOPMIN", "z", "2"], ["ZSCAN", "z", "0"], ["ZRANDMEMBER", "z", "100", "WITHSCORES"],
  ]],
  ["ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK", [
    ["ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d"], ["ZSCORE", "z", "b"], ["ZSCORE", "z", "x"], ["ZSCORE", "nokey", "a"],
    ["ZMSCORE", "z", "a", "x", "d", "a"], ["ZMSCORE", "nokey", "a", "b"], ["ZCARD", "z"], ["ZCARD", "nokey"],
    ["ZRANK", "z", "a"], ["ZRANK", "z", "c"], ["ZRANK", "z", "x"], ["ZRANK", "nokey", "a"], ["ZREVRANK", "z", "a"], ["ZREVRANK", "z", "c"],
    ["ZREVRANK", "z", "x"],
  ]],
  ["ZCOUNT: bounds as strtod reads them", [
    ["ZADD", "z", "-5", "a", "0", "b", "1", "c", "2", "d", "3", "e", "inf", "f", "-inf", "g", "1e-310", "h"],
    ...[
      "-inf", "+inf", "inf", "-INF", "Infinity", "(1", "(-inf", "(+inf", " 1", "\t2", "1 ", "", "(", "((1", "0x1p1", "0X10", "1e400",
      "-1e400", "1e-400", "nan", "(nan", "1\x00junk", "\x00", "-", "+", "1e", ".", " ", "+.5", "-.5e1", "5.", "0x", "0x1p-2000", "abc",
    ].flatMap((b) => [["ZCOUNT", "z", b, "+inf"], ["ZCOUNT", "z", "-inf", b]]),
    ["ZCOUNT", "z", "3", "1"], ["ZCOUNT", "z", "(1", "1"], ["ZCOUNT", "z", "1", "(1"], ["ZCOUNT", "nokey", "0", "1"], ["ZCOUNT", "nokey", "x", "1"],
  ]],
  ["ZLEXCOUNT: lex bounds", [
    ["ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "", "0", "\x00", "0", "\xff", "0", "ab"],
    ...["-", "+", "[a", "(a", "[", "(", "", "a", "+x", "-x", "+\x00x", "-\x00", "[\x00", "(\xff", "[ab"].flatMap((b) => [
      ["ZLEXCOUNT", "z", b, "+"], ["ZLEXCOUNT", "z", "-", b],
    ]),
    ["ZLEXCOUNT", "z", "+", "-"], ["ZLEXCOUNT", "z", "(b", "(b"], ["ZLEXCOUNT", "z", "[b", "[b"], ["ZLEXCOUNT", "nokey", "-", "+"],
    ["ZLEXCOUNT", "nokey", "x", "+"],
  ]],
  ["ZRANGE by rank: indexes from both ends, clamped", [
    ["ZADD", "z", ...pairs(8, (i) => String(i % 3))],
    ...[["0", "-1"], ["2", "4"], ["-3", "-1"], ["-100", "2"], ["5", "100"], ["4", "2"], ["8", "9"], ["-1", "-1"], ["0", "0"],
      ["9223372036854775807", "1"], ["-9223372036854775808", "9223372036854775807"], ["1", "-9223372036854775808"]].flatMap(([a, b]) => [
      ["ZRANGE", "z", a, b], ["ZRANGE", "z", a, b, "WITHSCORES"], ["ZRANGE", "z", a, b, "REV", "WITHSCORES"], ["ZREVRANGE", "z", a, b],
    ]),
    ["ZRANGE", "nokey", "0", "-1"], ["ZRANGE", "z", "x", "1"], ["ZRANGE", "z", "0", "1.5"], ["ZRANGE", "z", "0", "9223372036854775808"],
  ]],
  ["ZRANGE BYSCORE: exclusive bounds, infinities, LIMIT, REV", [
    ["ZADD", "z", "1", "a", "2", "b", "2", "bb", "3", "c", "4", "d", "5", "e", "-inf", "lo", "inf", "hi"],
    ...[["-inf", "+inf"], ["(1", "(4"], ["2", "2"], ["(2", "2"], ["3", "1"], ["(-inf", "(inf"], ["-inf", "-inf"], ["0", "1e400"]].flatMap(([a, b]) => [
      ["ZRANGE", "z", a, b, "BYSCORE"], ["ZRANGE", "z", b, a, "BYSCORE", "REV", "WITHSCORES"], ["ZRANGEBYSCORE", "z", a, b, "WITHSCORES"],
      ["ZREVRANGEBYSCORE", "z", b, a], ["ZCOUNT", "z", a, b],
    ]),
    ...[["0", "2"], ["1", "3"], ["7", "1"], ["8", "1"], ["100", "1"], ["-1", "2"], ["0", "-1"], ["2", "0"], ["0", "-5"]].flatMap(([o, n]) => [
      ["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", o, n], ["ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", o, n, "WITHSCORES"],
      ["ZRANGEBYSCORE", "z", "(1", "5", "LIMIT", o, n], ["ZREVRANGEBYSCORE", "z", "5", "(1", "WITHSCORES", "LIMIT", o, n],
    ]),
    ["ZRANGE", "z", "0", "10", "BYSCORE", "LIMIT", "1", "2", "LIMIT", "0", "1"], ["ZRANGEBYSCORE", "nokey", "0", "1"],
  ]],
  ["ZRANGE BYLEX, ZRANGEBYLEX, ZREVRANGEBYLEX", [
    ["ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "", "0", "\x00", "0", "\xff", "0", "ab"],
    ...[["-", "+"], ["[a", "[c"], ["(a", "(c"], ["[b", "(b"], ["(", "+"], ["[", "(\xff"], ["+", "-"], ["-", "-"], ["[c", "[a"]].flatMap(([a, b]) => [
      ["ZRANGE", "z", a, b, "BYLEX"], ["ZRANGE", "z", b, a, "BYLEX", "REV"], ["ZRANGEBYLEX", "z", a, b], ["ZREVRANGEBYLEX", "z", b, a],
      ["ZRANGEBYLEX", "z", a, b, "LIMIT", "1", "2"], ["ZREVRANGEBYLEX", "z", b, a, "LIMIT", "0", "-1"], ["ZLEXCOUNT", "z", a, b],
    ]),
    ["ZRANGEBYLEX", "z", "-", "+", "LIMIT", "-1", "2"], ["ZRANGEBYLEX", "z", "-", "+", "LIMIT", "20", "2"], ["ZRANGEBYLEX", "nokey", "-", "+"],
  ]],
  ["ZRANGE family: syntax errors", [
    ["ZADD", "z", "1", "a", "2", "b"], ["SET", "str", "x"],
    ["ZRANGE", "z", "0", "1", "WITHSCORES", "BYLEX"], ["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"], ["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"],
    ["ZRANGE", "z", "0", "1", "LIMIT", "0", "-1"], ["ZRANGE", "z", "0", "1", "LIMIT", "0"], ["ZRANGE", "z", "0", "1", "LIMIT", "x", "1", "BYSCORE"],
    ["ZRANGE", "z", "0", "1", "LIMIT", "0", "x", "BYSCORE"], ["ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"], ["ZRANGE", "z", "0", "1", "BYSCORE", "BYSCORE"],
    ["ZRANGE", "z", "0", "1", "REV", "REV"], ["ZRANGE", "z", "0", "1", "FOO"], ["ZRANGE", "z", "a", "b", "BYSCORE"], ["ZRANGE", "z", "a", "b", "BYLEX"],
    ["ZRANGE", "z", "(1", "2"], ["ZRANGEBYSCORE", "z", "0", "1", "REV"], ["ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"],
    ["ZRANGEBYSCORE", "z", "0", "1", "BYLEX"], ["ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"], ["ZREVRANGE", "z", "0", "1", "LIMIT", "0", "1"],
    ["ZREVRANGE", "z", "0", "1", "LIMIT", "0", "-1"], ["ZREVRANGE", "z", "0", "1", "BYSCORE"], ["ZRANGE", "str", "0", "1"],
    ["ZRANGE", "str", "x", "1"], ["ZRANGEBYSCORE", "str", "0", "1"], ["ZRANGEBYLEX", "str", "-", "+"], ["ZRANGE", "nokey", "x", "1"],
    ["ZRANGE", "z", "0", "1", "withscores", "withscores"],
  ]],
  ["ZRANGESTORE", [
    ["ZADD", "z", ...pairs(10, (i) => String(i))], ["ZRANGESTORE", "d", "z", "2", "5"], ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    ["ZRANGESTORE", "d", "z", "(3", "+inf", "BYSCORE", "LIMIT", "1", "3"], ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    ["ZRANGESTORE", "d", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "2"], ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    ["ZRANGESTORE", "d", "z", "[m3", "+", "BYLEX"], ["ZRANGE", "d", "0", "-1"], ["ZRANGESTORE", "d", "z", "5", "2"], ["EXISTS", "d"],
    ["SET", "s", "x"], ["EXPIRE", "s", "100"], ["ZRANGESTORE", "s", "z", "0", "0"], ["TYPE", "s"], ["TTL", "s"],
    ["ZRANGESTORE", "s", "nokey", "0", "-1"], ["EXISTS", "s"], ["ZRANGESTORE", "z", "z", "0", "2"], ["ZRANGE", "z", "0", "-1"],
    ["ZRANGESTORE", "d", "z", "0", "1", "WITHSCORES"], ["SET", "str", "x"], ["ZRANGESTORE", "d", "str", "0", "1"],
    ["ZRANGESTORE", "str", "z", "0", "1"], ["TYPE", "str"], ["ZRANGESTORE", "d", "z", "x", "1"],
  ]],
  ["ZREM, ZREMRANGEBYRANK/SCORE/LEX; an emptied key goes", [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZREM", "z", "x"], ["ZREM", "z", "a", "a", "x"], ["ZREM", "nokey", "a"], ["ZCARD", "z"],
    ["EXPIRE", "z", "100"], ["ZREM", "z", "b", "c", "d"], ["EXISTS", "z"], ["TTL", "z"],
    ["ZADD", "r", ...pairs(10, (i) => String(i))], ["ZREMRANGEBYRANK", "r", "0", "1"], ["ZREMRANGEBYRANK", "r", "-2", "-1"],
    ["ZREMRANGEBYRANK", "r", "5", "2"], ["ZREMRANGEBYRANK", "r", "10", "20"], ["ZREMRANGEBYRANK", "r", "-100", "0"], ["ZRANGE", "r", "0", "-1"],
    ["ZREMRANGEBYRANK", "r", "x", "1"], ["ZREMRANGEBYRANK", "r", "0", "1.5"], ["ZREMRANGEBYRANK", "nokey", "0", "1"],
    ["ZREMRANGEBYSCORE", "r", "(3", "5"], ["ZREMRANGEBYSCORE", "r", "x", "5"], ["ZREMRANGEBYSCORE", "r", "9", "0"], ["ZRANGE", "r", "0", "-1"],
    ["ZREMRANGEBYSCORE", "r", "-inf", "+inf"], ["EXISTS", "r"],
    ["ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d"], ["ZREMRANGEBYLEX", "l", "(a", "[c"], ["ZREMRANGEBYLEX", "l", "a", "+"],
    ["ZREMRANGEBYLEX", "l", "+", "-"], ["ZRANGE", "l", "0", "-1"], ["ZREMRANGEBYLEX", "l", "-", "+"], ["EXISTS", "l"],
    ["ZADD", "k", "1", "a"], ["ZREMRANGEBYRANK", "k", "0", "-1"], ["EXISTS", "k"], ["SET", "str", "x"], ["ZREM", "str", "a"],
    ["ZREMRANGEBYRANK", "str", "0", "1"], ["ZREMRANGEBYSCORE", "str", "0", "1"], ["ZREMRANGEBYLEX", "str", "-", "+"],
    ["ZREMRANGEBYSCORE", "str", "x", "1"], ["ZREMRANGEBYLEX", "nokey", "x", "+"],
  ]],
  ["ZPOPMIN, ZPOPMAX", [
    ["ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ["ZPOPMIN", "p"], ["ZPOPMAX", "p"], ["ZPOPMIN", "p", "2"],
    ["ZPOPMAX", "p", "1"], ["ZPOPMIN", "p", "0"], ["ZPOPMIN", "p", "-1"], ["ZPOPMIN", "p", "x"], ["ZPOPMIN", "p", "1", "2"],
    ["ZPOPMAX", "p", "9223372036854775807"], ["EXISTS", "p"], ["ZPOPMIN", "nokey"], ["ZPOPMIN", "nokey", "2"], ["ZPOPMAX", "nokey", "0"],
    ["ZPOPMAX", "nokey", "-1"], ["SET", "str", "x"], ["ZPOPMIN", "str"], ["ZPOPMAX", "str", "0"], ["ZPOPMIN", "str", "-1"],
  ]],
  ["ZMPOP", [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z"], ["ZADD", "b", "10", "q"], ["ZMPOP", "1", "a", "MIN"], ["ZMPOP", "2", "nokey", "a", "max", "COUNT", "5"],
    ["EXISTS", "a"], ["ZMPOP", "3", "nokey", "a", "b", "MIN", "COUNT", "1"], ["ZMPOP", "1", "nokey", "MIN"], ["ZADD", "a", "1", "x"],
    ["ZMPOP", "0", "a", "MIN"], ["ZMPOP", "-1", "a", "MIN"], ["ZMPOP", "x", "a", "MIN"], ["ZMPOP", "1", "a", "MID"], ["ZMPOP", "1", "a"],
    ["ZMPOP", "2", "a", "MIN"], ["ZMPOP", "1", "a", "MIN", "COUNT"], ["ZMPOP", "1", "a", "MIN", "COUNT", "0"], ["ZMPOP", "1", "a", "MIN", "COUNT", "x"],
    ["ZMPOP", "1", "a", "MIN", "COUNT", "1", "COUNT", "1"], ["ZMPOP", "1", "a", "MIN", "FOO"], ["ZMPOP", "9223372036854775807", "a", "MIN"],
    ["SET", "str", "x"], ["ZMPOP", "2", "str", "a", "MIN"], ["ZMPOP", "2", "a", "str", "MIN"], ["ZMPOP", "2", "nokey", "str", "MIN"],
  ]],
  ["ZRANDMEMBER: the answers that are not random", [
    ["ZRANDMEMBER", "nokey"], ["ZRANDMEMBER", "nokey", "5"], ["ZRANDMEMBER", "nokey", "-5", "WITHSCORES"], ["ZADD", "r", "1", "a", "2", "b", "3", "c"],
    ["ZRANDMEMBER", "r", "0"], ["ZRANDMEMBER", "r", "3"], ["ZRANDMEMBER", "r", "100", "WITHSCORES"], ["ZRANDMEMBER", "r", "9223372036854775807"],
    ["ZRANDMEMBER", "r", "x"], ["ZRANDMEMBER", "r", "1", "x"], ["ZRANDMEMBER", "r", "1", "WITHSCORES", "x"],
    ["ZRANDMEMBER", "r", "4611686018427387904", "WITHSCORES"], ["ZRANDMEMBER", "r", "-4611686018427387905", "WITHSCORES"],
    ["ZRANDMEMBER", "r", "4611686018427387903", "WITHSCORES"], ["ZRANDMEMBER", "r", "-9223372036854775808", "WITHSCORES"],
    ["ZADD", "one", "7", "only"], ["ZRANDMEMBER", "one"], ["ZRANDMEMBER", "one", "-3", "WITHSCORES"], ["ZRANDMEMBER", "one", "1"],
    ["SET", "str", "x"], ["ZRANDMEMBER", "str"], ["ZRANDMEMBER", "str", "1"], ["ZRANDMEMBER", "str", "x"],
  ]],
  ["ZUNION, ZINTER, ZDIFF: weights and aggregates", [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z"], ["ZADD", "b", "10", "y", "20", "z", "30", "w"], ["ZADD", "c", "inf", "x", "-inf", "y", "5", "z"],
    ...["SUM", "MIN", "MAX"].flatMap((agg) => [
      ["ZUNION", "2", "a", "b", "AGGREGATE", agg, "WITHSCORES"], ["ZINTER", "2", "a", "b", "aggregate", agg, "WITHSCORES"],
      ["ZUNION", "3", "a", "b", "c", "WEIGHTS", "1", "-1", "0", "AGGREGATE", agg, "WITHSCORES"],
      ["ZINTER", "3", "a", "b", "c", "WEIGHTS", "2", "0.5", "-1", "AGGREGATE", agg, "WITHSCORES"],
      ["ZUNION", "2", "c", "c", "WEIGHTS", "1", "-1", "AGGREGATE", agg, "WITHSCORES"], ["ZINTER", "2", "c", "a", "WEIGHTS", "0", "1", "AGGREGATE", agg, "WITHSCORES"],
    ]),
    ["ZUNION", "2", "a", "b"], ["ZINTER", "2", "a", "b"], ["ZDIFF", "2", "a", "b", "WITHSCORES"], ["ZDIFF", "2", "b", "a"], ["ZDIFF", "1", "a"],
    ["ZDIFF", "2", "a", "a"], ["ZDIFF", "3", "a", "nokey", "c", "WITHSCORES"], ["ZDIFF", "2", "nokey", "a"], ["ZINTER", "2", "a", "nokey"],
    ["ZUNION", "2", "nokey", "nokey2"], ["ZUNION", "1", "a", "WEIGHTS", "inf", "WITHSCORES"], ["ZINTER", "2", "a", "a", "WITHSCORES"],
    ["ZUNION", "2", "a", "b", "WITHSCORES", "WEIGHTS", "2", "3", "WITHSCORES"], ["ZUNION", "2", "a", "b", "aggregate", "max", "aggregate", "min", "withscores"],
  ]],
  ["ZUNION family: errors", [
    ["ZADD", "a", "1", "x"], ["SET", "str", "x"], ["ZUNION", "0", "a"], ["ZINTER", "0", "a"], ["ZDIFF", "0", "a"], ["ZUNION", "-1", "a"],
    ["ZUNION", "x", "a"], ["ZUNION", "2", "a"], ["ZUNION", "9223372036854775807", "a"], ["ZUNION", "1", "a", "WEIGHTS"],
    ["ZUNION", "1", "a", "WEIGHTS", "x"], ["ZUNION", "1", "a", "WEIGHTS", "nan"], ["ZUNION", "2", "a", "a", "WEIGHTS", "1"],
    ["ZUNION", "1", "a", "AGGREGATE"], ["ZUNION", "1", "a", "AGGREGATE", "AVG"], ["ZUNION", "1", "a", "FOO"], ["ZDIFF", "1", "a", "WEIGHTS", "1"],
    ["ZDIFF", "1", "a", "AGGREGATE", "SUM"], ["ZUNION", "2", "a", "str"], ["ZINTER", "2", "nokey", "str"], ["ZDIFF", "2", "str", "a"],
    ["ZUNION", "2", "str", "a", "FOO"], ["ZUNIONSTORE", "d", "0", "a"], ["ZINTERSTORE", "d", "0", "a"], ["ZDIFFSTORE", "d", "0", "a"],
    ["ZUNIONSTORE", "d", "1", "a", "WITHSCORES"], ["ZUNIONSTORE", "d", "2", "a"], ["ZINTERSTORE", "d", "x", "a"],
    ["ZDIFFSTORE", "d", "1", "a", "WEIGHTS", "1"], ["ZUNIONSTORE", "d", "1", "str"], ["EXISTS", "d"],
  ]],
  ["ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE", [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z"], ["ZADD", "b", "10", "y", "20", "z", "30", "w"],
    ["ZUNIONSTORE", "d", "2", "a", "b"], ["ZRANGE", "d", "0", "-1", "WITHSCORES"], ["ZINTERSTORE", "d", "2", "a", "b", "WEIGHTS", "2", "3", "AGGREGATE", "MAX"],
    ["ZRANGE", "d", "0", "-1", "WITHSCORES"], ["ZDIFFSTORE", "d", "2", "a", "b"], ["ZRANGE", "d", "0", "-1", "WITHSCORES"],
    ["ZINTERSTORE", "d", "2", "a", "nokey"], ["EXISTS", "d"], ["ZDIFFSTORE", "d", "2", "a", "a"], ["EXISTS", "d"],
    ["SET", "s", "x"], ["EXPIRE", "s", "100"], ["ZUNIONSTORE", "s", "1", "a"], ["TYPE", "s"], ["TTL", "s"],
    ["ZUNIONSTORE", "a", "2", "a", "b"], ["ZRANGE", "a", "0", "-1", "WITHSCORES"], ["ZINTERSTORE", "b", "2", "b", "b"], ["ZRANGE", "b", "0", "-1", "WITHSCORES"],
    ["ZUNIONSTORE", "n", "2", "nokey", "nokey2"], ["EXISTS", "n"],
  ]],
  ["plain sets as inputs score 1", [
    ["SADD", "s", "x", "q", "7"], ["SADD", "i", "1", "2", "3"], ["ZADD", "a", "1", "x", "2", "y", "5", "7", "9", "1"],
    ["ZUNION", "2", "a", "s", "WITHSCORES"], ["ZINTER", "2", "a", "s", "WITHSCORES"], ["ZDIFF", "2", "a", "s", "WITHSCORES"],
    ["ZDIFF", "2", "s", "a", "WITHSCORES"], ["ZUNION", "3", "s", "i", "a", "WEIGHTS", "2", "3", "0.5", "WITHSCORES"],
    ["ZINTER", "2", "i", "a", "AGGREGATE", "MAX", "WITHSCORES"], ["ZINTERCARD", "2", "s", "a"], ["ZUNIONSTORE", "d", "2", "s", "i"],
    ["ZRANGE", "d", "0", "-1", "WITHSCORES"], ["ZINTER", "1", "s"], ["ZADD", "p", "1", "07"], ["ZINTER", "2", "p", "i"], ["ZDIFF", "2", "p", "i"],
  ]],
  ["ZINTERCARD", [
    ["ZADD", "a", "1", "x", "2", "y", "3", "z"], ["ZADD", "b", "10", "y", "20", "z", "30", "w"], ["ZINTERCARD", "2", "a", "b"],
    ["ZINTERCARD", "2", "a", "b", "LIMIT", "1"], ["ZINTERCARD", "2", "a", "b", "LIMIT", "0"], ["ZINTERCARD", "2", "a", "b", "LIMIT", "10"],
    ["ZINTERCARD", "1", "a"], ["ZINTERCARD", "2", "a", "nokey"], ["ZINTERCARD", "2", "a", "b", "LIMIT", "-1"], ["ZINTERCARD", "2", "a", "b", "LIMIT", "x"],
    ["ZINTERCARD", "2", "a", "b", "LIMIT"], ["ZINTERCARD", "0", "a"], ["ZINTERCARD", "2", "a"], ["ZINTERCARD", "1", "a", "WEIGHTS", "1"],
    ["ZINTERCARD", "1", "a", "WITHSCORES"], ["ZINTERCARD", "1", "a", "AGGREGATE", "SUM"], ["SET", "str", "x"], ["ZINTERCARD", "2", "a", "str"],
  ]],
  ["ZSCAN of a listpack: everything at once", [
    ["ZADD", "z", "1", "a", "2.5", "b", "-0", "c", "1e20", "d", "4611686018427387904", "e", "4611686018427387905", "f", "-inf", "g", "0.1", "h"],
    ["ZSCAN", "z", "0"], ["ZSCAN", "z", "0", "COUNT", "1"], ["ZSCAN", "z", "0", "MATCH", "[a-c]"], ["ZSCAN", "z", "0", "MATCH", "*"],
    ["ZSCAN", "z", "0", "MATCH", "x*", "COUNT", "100"], ["ZSCAN", "z", "123"], ["ZSCAN", "nokey", "0"], ["ZSCAN", "nokey", "0", "FOO"],
    ["ZSCAN", "z", "x"], ["ZSCAN", "z", "-1"], ["ZSCAN", "z", "18446744073709551616"], ["ZSCAN", "z", " 1"], ["ZSCAN", "z", ""],
    ["ZSCAN", "z", "0", "COUNT", "0"], ["ZSCAN", "z", "0", "COUNT", "x"], ["ZSCAN", "z", "0", "COUNT"], ["ZSCAN", "z", "0", "TYPE", "zset"],
    ["ZSCAN", "z", "0", "FOO", "bar"], ["SET", "str", "x"], ["ZSCAN", "str", "0"], ["ZSCAN", "str", "x"],
  ]],
  ["encodings: listpack up to 128 members of 64 bytes, then skiplist for good", [
    ["ZADD", "a", ...pairs(128, (i) => String(i))], ["OBJECT", "ENCODING", "a"], ["ZADD", "a", "1", "m1"], ["OBJECT", "ENCODING", "a"],
    ["ZADD", "a", "1", "new"], ["OBJECT", "ENCODING", "a"], ["ZREMRANGEBYRANK", "a", "0", "-3"], ["OBJECT", "ENCODING", "a"], ["ZCARD", "a"],
    ["ZADD", "b", "1", "x".repeat(64)], ["OBJECT", "ENCODING", "b"], ["ZADD", "b", "1", LONG], ["OBJECT", "ENCODING", "b"], ["ZREM", "b", LONG],
    ["OBJECT", "ENCODING", "b"], ["ZADD", "c", "1", LONG], ["OBJECT", "ENCODING", "c"], ["ZADD", "d", "XX", "1", LONG], ["EXISTS", "d"],
    ["ZADD", "e", ...pairs(200, () => "1", () => "same")], ["OBJECT", "ENCODING", "e"],
    ["ZRANGESTORE", "r1", "a", "0", "-1"], ["OBJECT", "ENCODING", "r1"], ["ZADD", "big", ...pairs(200, (i) => String(i))],
    ["ZRANGESTORE", "r2", "big", "0", "127"], ["OBJECT", "ENCODING", "r2"], ["ZRANGESTORE", "r3", "big", "0", "128"], ["OBJECT", "ENCODING", "r3"],
    ["ZRANGESTORE", "r4", "big", "0", "200", "BYSCORE"], ["OBJECT", "ENCODING", "r4"], ["ZRANGESTORE", "r5", "big", "0", "100", "BYSCORE"],
    ["OBJECT", "ENCODING", "r5"], ["ZUNIONSTORE", "u1", "1", "big"], ["OBJECT", "ENCODING", "u1"], ["ZINTERSTORE", "u2", "2", "big", "a"],
    ["OBJECT", "ENCODING", "u2"], ["ZUNIONSTORE", "u3", "1", "c"], ["OBJECT", "ENCODING", "u3"], ["ZDIFFSTORE", "u4", "2", "big", "r2"],
    ["OBJECT", "ENCODING", "u4"], ["ZRANGESTORE", "r6", "c", "0", "-1"], ["OBJECT", "ENCODING", "r6"],
  ]],
  ["-0: a listpack stores 0, a skiplist keeps -0", [
    ["ZADD", "lp", "-0", "a"], ["ZSCORE", "lp", "a"], ["ZADD", "lp", "INCR", "-0", "b"], ["ZSCORE", "lp", "b"], ["ZINCRBY", "lp", "-0", "a"],
    ["ZADD", "sl", "1", LONG, "-0", "a"], ["ZSCORE", "sl", "a"], ["ZRANGE", "sl", "0", "-1", "WITHSCORES"], ["ZADD", "sl", "0", "a"],
    ["ZSCORE", "sl", "a"], ["ZADD", "sl", "-0", "c", "0", "d"], ["ZRANGE", "sl", "0", "-1", "WITHSCORES"],
    ["ZUNIONSTORE", "u", "1", "sl"], ["ZSCORE", "u", "c"], ["ZUNION", "1", "sl", "WITHSCORES"], ["ZRANGESTORE", "r", "sl", "0", "-1"], ["ZSCORE", "r", "c"],
    ["ZUNION", "2", "lp", "sl", "AGGREGATE", "MIN", "WITHSCORES"], ["ZUNION", "2", "sl", "lp", "AGGREGATE", "MAX", "WITHSCORES"],
    ["ZRANGEBYSCORE", "sl", "0", "0", "WITHSCORES"], ["ZRANGEBYSCORE", "sl", "-0", "(0", "WITHSCORES"],
  ]],
  ["binary members: NUL and 0xff bytes, byte order", [
    ["ZADD", "z", "1", "\x00a", "1", "\xff", "1", "a\x00", "1", "", "1", "\x80", "1", "a", "2", "\x00"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    ["ZRANGEBYLEX", "z", "(\x00a", "[\xff"], ["ZRANGEBYLEX", "z", "-", "(\x80"], ["ZSCORE", "z", ""], ["ZSCORE", "z", "a\x00"], ["ZRANK", "z", "\xff"],
    ["ZREM", "z", "\x00a"], ["ZMSCORE", "z", "\x00a", "\x00"], ["ZSCAN", "z", "0", "MATCH", "a*"], ["ZPOPMIN", "z", "2"], ["ZPOPMAX", "z"],
    ["ZADD", "z", "5", `${LONG}\x00\xff`], ["ZRANGE", "z", "0", "-1"], ["ZRANK", "z", `${LONG}\x00\xff`],
  ]],
  ["a skiplist-encoded zset: ranks, ranges and removals", [
    ["ZADD", "z", ...pairs(300, (i) => String((i * 37) % 101), (i) => `member-${(i * 7919) % 300}`)], ["OBJECT", "ENCODING", "z"],
    ["ZCARD", "z"], ["ZRANGE", "z", "0", "9", "WITHSCORES"], ["ZRANGE", "z", "-10", "-1"], ["ZRANGE", "z", "150", "160", "REV", "WITHSCORES"],
    ["ZRANK", "z", "member-5"], ["ZREVRANK", "z", "member-5"], ["ZRANK", "z", "member-299"], ["ZCOUNT", "z", "10", "(20"],
    ["ZRANGEBYSCORE", "z", "50", "52", "WITHSCORES"], ["ZRANGE", "z", "(90", "+inf", "BYSCORE", "LIMIT", "5", "5"],
    ["ZREVRANGEBYSCORE", "z", "(90", "-inf", "LIMIT", "5", "5"], ["ZLEXCOUNT", "z", "-", "+"], ["ZREMRANGEBYRANK", "z", "10", "19"],
    ["ZREMRANGEBYSCORE", "z", "(30", "40"], ["ZREM", "z", "member-1", "member-2", "member-3"], ["ZCARD", "z"], ["ZRANGE", "z", "0", "-1"],
    ["ZPOPMIN", "z", "3"], ["ZPOPMAX", "z", "3"], ["ZMPOP", "1", "z", "MAX", "COUNT", "2"], ["ZRANGE", "z", "100", "110", "WITHSCORES"],
    ["ZINCRBY", "z", "1000", "member-50"], ["ZRANK", "z", "member-50"], ["ZRANDMEMBER", "z", "1000", "WITHSCORES"],
    ["ZADD", "same", ...pairs(200, () => "0", (i) => `w${i * 13 % 200}`)], ["ZRANGEBYLEX", "same", "[w1", "(w2"], ["ZLEXCOUNT", "same", "(w5", "+"],
    ["ZREMRANGEBYLEX", "same", "[w10", "[w15"], ["ZRANGEBYLEX", "same", "-", "+", "LIMIT", "0", "20"], ["ZREVRANGEBYLEX", "same", "+", "-", "LIMIT", "3", "5"],
  ]],
  ["the keyspace around a zset: COPY, RENAME, MOVE, EXPIRE, MULTI", [
    ["ZADD", "z", "1", "a", "2", "b"], ["COPY", "z", "z2"], ["ZADD", "z2", "3", "c"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    ["ZRANGE", "z2", "0", "-1", "WITHSCORES"], ["OBJECT", "ENCODING", "z2"], ["RENAME", "z2", "z3"], ["ZCARD", "z3"], ["EXPIRE", "z3", "100"],
    ["ZADD", "z3", "4", "d"], ["TTL", "z3"], ["ZPOPMIN", "z3", "10"], ["EXISTS", "z3"], ["TYPE", "z"], ["ZADD", "big", "1", LONG],
    ["COPY", "big", "big2"], ["OBJECT", "ENCODING", "big2"], ["MOVE", "big2", "1"], ["EXISTS", "big2"], ["SELECT", "1"], ["ZRANGE", "big2", "0", "-1"],
    ["SELECT", "0"], ["MULTI"], ["ZADD", "m", "1", "x"], ["ZINCRBY", "m", "2", "x"], ["ZRANGE", "m", "0", "-1", "WITHSCORES"], ["ZPOPMAX", "m"],
    ["EXEC"], ["EXISTS", "m"], ["DEL", "z"], ["EXISTS", "z"], ["FLUSHDB"], ["SELECT", "1"], ["FLUSHDB"], ["SELECT", "0"],
  ]],
  ["WRONGTYPE against a string key", [
    ["SET", "str", "x"], ["ZADD", "str", "1", "a"], ["ZINCRBY", "str", "1", "a"], ["ZREM", "str", "a"], ["ZSCORE", "str", "a"],
    ["ZMSCORE", "str", "a"], ["ZCARD", "str"], ["ZRANK", "str", "a"], ["ZREVRANK", "str", "a"], ["ZCOUNT", "str", "0", "1"],
    ["ZLEXCOUNT", "str", "-", "+"], ["ZRANGE", "str", "0", "1"], ["ZRANGESTORE", "d", "str", "0", "1"], ["ZREVRANGE", "str", "0", "1"],
    ["ZRANGEBYSCORE", "str", "0", "1"], ["ZREVRANGEBYSCORE", "str", "1", "0"], ["ZRANGEBYLEX", "str", "-", "+"], ["ZREVRANGEBYLEX", "str", "+", "-"],
    ["ZPOPMIN", "str"], ["ZPOPMAX", "str"], ["ZMPOP", "1", "str", "MIN"], ["ZRANDMEMBER", "str"], ["ZUNION", "1", "str"], ["ZINTER", "1", "str"],
    ["ZDIFF", "1", "str"], ["ZUNIONSTORE", "d", "1", "str"], ["ZINTERSTORE", "d", "1", "str"], ["ZDIFFSTORE", "d", "1", "str"],
    ["ZINTERCARD", "1", "str"], ["ZREMRANGEBYRANK", "str", "0", "1"], ["ZREMRANGEBYSCORE", "str", "0", "1"], ["ZREMRANGEBYLEX", "str", "-", "+"],
    ["ZSCAN", "str", "0"], ["GET", "str"], ["RPUSH", "list", "a"], ["ZCARD", "list"], ["ZADD", "z", "1", "a"], ["LLEN", "z"], ["SCARD", "z"],
  ]],
  ["wrong number of arguments", [
    ["ZADD", "z", "1"], ["ZINCRBY", "z", "1"], ["ZINCRBY", "z", "1", "a", "b"], ["ZREM", "z"], ["ZSCORE", "z"], ["ZMSCORE", "z"], ["ZCARD"],
    ["ZRANK", "z"], ["ZREVRANK", "z", "a", "b"], ["ZCOUNT", "z", "0"], ["ZLEXCOUNT", "z", "-"], ["ZRANGE", "z", "0"], ["ZRANGESTORE", "d", "z", "0"],
    ["ZREVRANGE", "z", "0"], ["ZRANGEBYSCORE", "z", "0"], ["ZREVRANGEBYSCORE", "z", "0"], ["ZRANGEBYLEX", "z", "-"], ["ZREVRANGEBYLEX", "z", "+"],
    ["ZPOPMIN"], ["ZPOPMAX"], ["ZMPOP", "1", "z"], ["ZRANDMEMBER"], ["ZUNION", "1"], ["ZINTER", "1"], ["ZDIFF", "1"], ["ZUNIONSTORE", "d", "1"],
    ["ZINTERSTORE", "d", "1"], ["ZDIFFSTORE", "d", "1"], ["ZINTERCARD", "1"], ["ZREMRANGEBYRANK", "z", "0"], ["ZREMRANGEBYSCORE", "z", "0"],
    ["ZREMRANGEBYLEX", "z", "-"], ["ZSCAN", "z"],
  ]],
];

describe("sorted-set commands, byte for byte", () => {
  for (const [name, cmds] of scripts) test(name, () => expectSame(cmds));
});

// ---- replies that are random or in hash order: their properties ----------------------------

/** A score reply's text: a RESP2 bulk string or a RESP3 double. */
function scoreText(reply: string): string {
  return reply[0] === "," ? reply.slice(1, -2) : bulkText(reply);
}

/** Flat [member, score, ...] or RESP3 [[member, score], ...] as [member, score-text] pairs. */
function memberScores(reply: string): [string, string][] {
  const xs = items(reply);
  if (xs.length > 0 && xs[0][0] === "*") return xs.map((p) => [bulkText(items(p)[0]), scoreText(items(p)[1])]);
  const out: [string, string][] = [];
  for (let i = 0; i < xs.length; i += 2) out.push([bulkText(xs[i]), scoreText(xs[i + 1])]);
  return out;
}

describe("random members", () => {
  for (const size of [5, 300]) {
    test(`ZRANDMEMBER on ${size} members: distinct samples, repeats with a negative count, right scores`, async () => {
      const setup: Cmd[] = [["ZADD", "r", ...pairs(size, (i) => String(i / 4), (i) => `m${i}`)]];
      const counts = [1, 2, 3, size - 1, size, -1, -7, -(size * 3)];
      const cmds: Cmd[] = [...setup, ...counts.map((n) => ["ZRANDMEMBER", "r", String(n), "WITHSCORES"]), ["ZRANDMEMBER", "r"]];
      for (const hello3 of [false, true]) {
        const [ours, theirs] = await both(cmds, hello3);
        for (let k = 0; k < counts.length; k++) {
          const got = memberScores(ours[k + 1]);
          const ref = memberScores(theirs[k + 1]);
          const n = counts[k];
          expect(got.length).toBe(ref.length);
          expect(got.length).toBe(n >= 0 ? Math.min(n, size) : -n);
          for (const [m, s] of got) expect(String(Number(m.slice(1)) / 4)).toBe(s);
          if (n > 0) expect(new Set(got.map((p) => p[0])).size).toBe(got.length);
        }
        const single = bulkText(ours[counts.length + 1]);
        expect(Number(single.slice(1))).toBeLessThan(size);
      }
    });
  }

  test("ZRANDMEMBER covers the set: every member shows up over many draws", async () => {
    const cmds: Cmd[] = [["ZADD", "r", ...pairs(20, (i) => String(i))], ["ZRANDMEMBER", "r", "-2000"], ["ZRANDMEMBER", "r", "5"]];
    const [ours] = await both(cmds);
    expect(new Set(items(ours[1]).map(bulkText)).size).toBe(20);
    expect(new Set(items(ours[2]).map(bulkText)).size).toBe(5);
  });
});

describe("ZSCAN of a skiplist-encoded zset", () => {
  test("a full iteration returns every member once with its score, whatever COUNT and MATCH", async () => {
    const members = range(400, (i) => `k${i}${i % 7 === 0 ? "\xff" : ""}`);
    const setup: Cmd[] = [["ZADD", "z", ...members.flatMap((m, i) => [String(i / 8), m])]];
    for (const [count, match] of [["10", null], ["1", null], ["1000", null], ["7", "k1*"], ["50", "*\xff"]] as const) {
      const results: Map<string, string>[] = [];
      for (const port of [server.port, redis.port]) {
        const seen = new Map<string, string>();
        let cursor = "0";
        let calls = 0;
        do {
          const opts = [...(count ? ["COUNT", count] : []), ...(match ? ["MATCH", match] : [])];
          const raw = await exchangeResp(port, calls === 0 ? [...setup, ["ZSCAN", "z", cursor, ...opts]] : [["ZSCAN", "z", cursor, ...opts]]);
          const replies = splitReplies(raw);
          const [cur, list] = items(replies[replies.length - 1]);
          cursor = bulkText(cur);
          for (const [m, s] of memberScores(list)) seen.set(m, s);
          calls++;
          expect(calls).toBeLessThan(2000);
        } while (cursor !== "0");
        results.push(seen);
      }
      const [ours, theirs] = results;
      expect([...ours.entries()].sort()).toEqual([...theirs.entries()].sort());
      if (match === null) expect(ours.size).toBe(400);
    }
  });

  test("members present throughout are returned while the zset changes", async () => {
    const c = await RawClient.connect(server.port);
    try {
      await c.call("DEL", "z");
      await c.call("ZADD", "z", ...pairs(500, (i) => String(i % 13), (i) => `s${i}`));
      const seen = new Set<string>();
      let cursor = "0";
      let step = 0;
      do {
        const [cur, list] = (await c.call("ZSCAN", "z", cursor, "COUNT", "20")) as [string, string[]];
        cursor = cur;
        for (let i = 0; i < list.length; i += 2) seen.add(list[i]);
        // Churn: others come and go, stable members change score.
        await c.call("ZADD", "z", String(step), `tmp${step}`, String(step % 5), `s${(step * 3) % 500}`);
        if (step % 2 === 0) await c.call("ZREM", "z", `tmp${step - 2}`);
        await c.call("ZREMRANGEBYSCORE", "z", "(1000", "+inf");
        step++;
        expect(step).toBeLessThan(5000);
      } while (cursor !== "0");
      for (let i = 0; i < 500; i++) expect(seen.has(`s${i}`)).toBe(true);
    } finally {
      c.close();
    }
  });
});

// ---- keyspace events ------------------------------------------------------------------------

describe("keyspace events", () => {
  /** The (key, event) pairs published on __keyspace@0__ for the script's keys, in order. */
  async function events(port: number, script: Cmd[], prefix: string): Promise<string[]> {
    const sub = await RawClient.connect(port);
    try {
      await sub.call("PSUBSCRIBE", `__keyspace@0__:${prefix}*`);
      const end = `${prefix}zz-end`;
      await exchangeResp(port, [...script, ["SET", end, "x"]]);
      const got: string[] = [];
      for (;;) {
        const m = (await sub.reply()) as string[];
        const key = m[2].slice("__keyspace@0__:".length);
        if (key === end) return got;
        got.push(`${key.slice(prefix.length)} ${m[3]}`);
      }
    } finally {
      sub.close();
    }
  }

  test("each command's events, in Redis's order", async () => {
    const p = `ev${Date.now()}:`;
    const k = (s: string) => p + s;
    const script: Cmd[] = [
      ["ZADD", k("a"), "1", "x", "2", "y", "3", "z"], ["ZADD", k("a"), "1", "x"], ["ZADD", k("a"), "NX", "9", "x"], ["ZINCRBY", k("a"), "1", "x"],
      ["ZADD", k("a"), "INCR", "1", "q"], ["ZREM", k("a"), "nope"], ["ZREM", k("a"), "q"], ["ZPOPMIN", k("a")], ["ZPOPMAX", k("a"), "5"],
      ["ZADD", k("b"), "1", "x", "2", "y", "3", "z", "4", "w"], ["ZREMRANGEBYRANK", k("b"), "0", "0"], ["ZREMRANGEBYRANK", k("b"), "9", "10"],
      ["ZREMRANGEBYSCORE", k("b"), "2", "2"], ["ZREMRANGEBYLEX", k("b"), "[w", "[w"], ["ZMPOP", "1", k("b"), "MIN"],
      ["ZADD", k("c"), "1", "x", "2", "y"], ["ZUNIONSTORE", k("d"), "1", k("c")], ["ZINTERSTORE", k("d"), "1", k("c")],
      ["ZDIFFSTORE", k("d"), "1", k("c")], ["ZRANGESTORE", k("d"), k("c"), "0", "0"], ["ZINTERSTORE", k("d"), "2", k("c"), k("none")],
      ["ZRANGESTORE", k("d"), k("none"), "0", "-1"], ["ZREMRANGEBYSCORE", k("c"), "-inf", "+inf"], ["ZADD", k("e"), "XX", "1", "x"],
    ];
    const flags = (v: string) => [["CONFIG", "SET", "notify-keyspace-events", v]];
    await Promise.all([exchangeResp(server.port, flags("KA")), exchangeResp(redis.port, flags("KA"))]);
    try {
      const [ours, theirs] = await Promise.all([events(server.port, script, p), events(redis.port, script, p)]);
      expect(theirs.length).toBeGreaterThan(15);
      expect(ours).toEqual(theirs);
    } finally {
      await Promise.all([exchangeResp(server.port, flags("")), exchangeResp(redis.port, flags(""))]);
    }
  });
});

// ---- introspection ----------------------------------------------------------------------------

describe("introspection", () => {
  const names = [
    "zadd", "zincrby", "zrem", "zscore", "zmscore", "zcard", "zcount", "zlexcount", "zrange", "zrangestore", "zrevrange", "zrangebyscore",
    "zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zrank", "zrevrank", "zpopmin", "zpopmax", "zmpop", "zrandmember", "zunion",
    "zinter", "zdiff", "zunionstore", "zinterstore", "zdiffstore", "zintercard", "zremrangebyrank", "zremrangebyscore", "zremrangebylex", "zscan",
  ];

  test("COMMAND INFO: arity, flags, key positions and ACL categories", async () => {
    const cmds = names.map((n) => ["COMMAND", "INFO", n]);
    const [ours, theirs] = await Promise.all([exchangeResp(server.port, cmds), exchangeResp(redis.port, cmds)]);
    const a = splitReplies(ours).map(parse) as RespValue[][][];
    const b = splitReplies(theirs).map(parse) as RespValue[][][];
    for (let i = 0; i < names.length; i++) {
      const mine = a[i][0].slice(0, 7);
      const ref = b[i][0].slice(0, 7);
      expect({ name: names[i], info: mine }).toEqual({ name: names[i], info: ref });
    }
  });

  test("COMMAND DOCS: summary, since, group, complexity and arguments", async () => {
    const cmds = names.map((n) => ["COMMAND", "DOCS", n]);
    const [ours, theirs] = await Promise.all([exchangeResp(server.port, cmds), exchangeResp(redis.port, cmds)]);
    const fields = (v: RespValue): Map<string, RespValue> => {
      const arr = v as RespValue[];
      const m = new Map<string, RespValue>();
      for (let i = 0; i < arr.length; i += 2) m.set(arr[i] as string, arr[i + 1]);
      return m;
    };
    const args = (v: RespValue | undefined): unknown =>
      ((v ?? []) as RespValue[]).map((x) => {
        const m = fields(x);
        return {
          name: m.get("name"), type: m.get("type"), keySpec: m.get("key_spec_index"), token: m.get("token"), flags: m.get("flags"),
          arguments: args(m.get("arguments")),
        };
      });
    const a = splitReplies(ours).map(parse) as RespValue[][];
    const b = splitReplies(theirs).map(parse) as RespValue[][];
    for (let i = 0; i < names.length; i++) {
      const view = (m: Map<string, RespValue>) => ({
        name: names[i], summary: m.get("summary"), since: m.get("since"), group: m.get("group"),
        complexity: m.get("complexity"), arguments: args(m.get("arguments")),
      });
      expect(view(fields(a[i][1]))).toEqual(view(fields(b[i][1])));
    }
  });
});

// ---- randomized differential ------------------------------------------------------------------

/**
 * Commands with fully determined replies only (no ZRANDMEMBER below the size, no ZSCAN of a
 * skiplist). Lex ranges are only well defined on equal scores: with mixed scores Redis's
 * skiplist answers by its random node levels, so lex commands go to "lex" (every score 0)
 * and "lp" (short members, never more than 128: a listpack, scanned in order).
 */
function randomScript(seed: number, length: number): Cmd[] {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const keys = ["k0", "k1", "k2", "k3"];
  const key = () => (rnd() < 0.04 ? "str" : rnd() < 0.04 ? "set" : rnd() < 0.15 ? "lp" : pick(keys));
  const lexKey = () => pick(["lex", "lp"]);
  const shortPool = ["a", "b", "c", "d", "e", "", "\x00", "\xff\x00", "ab", "b\x00", "1", "07"];
  const memberPool = [...shortPool, LONG, `${LONG}2`];
  const member = (k = "") => (rnd() < 0.3 ? `m${int(0, 40)}` : pick(k === "lp" ? shortPool : memberPool));
  const scorePool = ["0", "-0", "1", "-1", "2.5", "0.1", "1e-5", "1e20", "inf", "-inf", "+inf", "3", "100", "-7.25", "123456.789", "1e-320"];
  const score = () => (rnd() < 0.5 ? String(int(-5, 5)) : pick(scorePool));
  const bound = () => {
    const b = pick(["-inf", "+inf", String(int(-5, 5)), pick(scorePool), "(1", "(-1", "(0", "x"]);
    return rnd() < 0.2 && !b.startsWith("(") ? `(${b}` : b;
  };
  const lex = () => pick(["-", "+", "[a", "(a", "[b", "(c", "[", "(\x00", "[m1", "(m3", "x"]);
  const index = () => String(int(-8, 8));
  const cmds: Cmd[] = [["SET", "str", "v"], ["SADD", "set", "a", "c", "m1", "1"]];
  for (let i = 0; i < length; i++) {
    const r = rnd();
    const k = key();
    if (r < 0.2) {
      const opts = [...(rnd() < 0.15 ? [pick(["NX", "XX"])] : []), ...(rnd() < 0.15 ? [pick(["GT", "LT"])] : []), ...(rnd() < 0.2 ? ["CH"] : [])];
      if (rnd() < 0.1) cmds.push(["ZADD", k, ...opts, "INCR", score(), member(k)]);
      else cmds.push(["ZADD", k, ...opts, ...range(int(1, rnd() < 0.05 && k !== "lp" ? 140 : 5), () => [score(), member(k)]).flat()]);
    } else if (r < 0.24) cmds.push(["ZINCRBY", k, score(), member(k)]);
    else if (r < 0.3) cmds.push(["ZREM", k, ...range(int(1, 3), () => member())]);
    else if (r < 0.36) cmds.push(pick([["ZSCORE", k, member()], ["ZMSCORE", k, member(), member()], ["ZCARD", k], ["ZRANK", k, member()], ["ZREVRANK", k, member()]]));
    else if (r < 0.4) cmds.push(["ZCOUNT", k, bound(), bound()]);
    else if (r < 0.5) {
      const ws = rnd() < 0.5 ? ["WITHSCORES"] : [];
      const limit = rnd() < 0.3 ? ["LIMIT", String(int(-1, 4)), String(int(-1, 4))] : [];
      cmds.push(pick([
        ["ZRANGE", k, index(), index(), ...(rnd() < 0.3 ? ["REV"] : []), ...ws],
        ["ZRANGE", k, bound(), bound(), "BYSCORE", ...(rnd() < 0.3 ? ["REV"] : []), ...limit, ...ws],
        ["ZREVRANGE", k, index(), index(), ...ws], ["ZRANGEBYSCORE", k, bound(), bound(), ...ws, ...limit],
        ["ZREVRANGEBYSCORE", k, bound(), bound(), ...limit, ...ws],
      ]));
    } else if (r < 0.58) {
      const lk = lexKey();
      const limit = rnd() < 0.3 ? ["LIMIT", String(int(-1, 4)), String(int(-1, 4))] : [];
      cmds.push(pick([
        ["ZADD", "lex", ...range(int(1, 4), () => ["0", member()]).flat()], ["ZADD", "lex", "0", member()],
        ["ZLEXCOUNT", lk, lex(), lex()], ["ZRANGE", lk, lex(), lex(), "BYLEX", ...(rnd() < 0.3 ? ["REV"] : []), ...limit],
        ["ZRANGEBYLEX", lk, lex(), lex(), ...limit], ["ZREVRANGEBYLEX", lk, lex(), lex(), ...limit],
        ["ZRANGESTORE", pick(keys), lk, lex(), lex(), "BYLEX"], ["ZREMRANGEBYLEX", lk, lex(), lex()],
      ]));
    } else if (r < 0.62) {
      cmds.push(pick([["ZRANGESTORE", pick(keys), k, index(), index()], ["ZRANGESTORE", pick(keys), k, bound(), bound(), "BYSCORE"]]));
    } else if (r < 0.67) {
      cmds.push(pick([["ZREMRANGEBYRANK", k, index(), index()], ["ZREMRANGEBYSCORE", k, bound(), bound()]]));
    } else if (r < 0.73) {
      cmds.push(pick([["ZPOPMIN", k], ["ZPOPMAX", k, String(int(0, 4))], ["ZMPOP", "2", k, key(), pick(["MIN", "MAX"]), "COUNT", String(int(1, 3))]]));
    } else if (r < 0.87) {
      const n = int(1, 3);
      const srcs = range(n, key);
      const weights = rnd() < 0.3 ? ["WEIGHTS", ...range(n, () => pick(["1", "2", "-1", "0", "0.5", "inf"]))] : [];
      const agg = rnd() < 0.3 ? ["AGGREGATE", pick(["SUM", "MIN", "MAX"])] : [];
      const dst = pick(keys);
      cmds.push(pick([
        ["ZUNION", String(n), ...srcs, ...weights, ...agg, ...(rnd() < 0.6 ? ["WITHSCORES"] : [])],
        ["ZINTER", String(n), ...srcs, ...weights, ...agg, "WITHSCORES"], ["ZDIFF", String(n), ...srcs, "WITHSCORES"],
        ["ZUNIONSTORE", dst, String(n), ...srcs, ...weights, ...agg], ["ZINTERSTORE", dst, String(n), ...srcs, ...weights, ...agg],
        ["ZDIFFSTORE", dst, String(n), ...srcs], ["ZINTERCARD", String(n), ...srcs, ...(rnd() < 0.5 ? ["LIMIT", String(int(0, 3))] : [])],
      ]));
    } else if (r < 0.92) {
      cmds.push(pick([["ZRANDMEMBER", k, "1000", "WITHSCORES"], ["ZRANDMEMBER", k, "0"], ["ZSCAN", "lp", "0"], ["ZSCAN", "lp", "0", "MATCH", "m*"]]));
    } else {
      cmds.push(pick([["OBJECT", "ENCODING", k], ["EXISTS", k], ["TYPE", k], ["ZRANGE", k, "0", "-1", "WITHSCORES"]]));
    }
  }
  for (const k of [...keys, "lp", "lex"]) cmds.push(["ZRANGE", k, "0", "-1", "WITHSCORES"], ["OBJECT", "ENCODING", k]);
  return cmds;
}

describe("randomized against redis-server", () => {
  for (const seed of [1, 2, 3]) {
    test(`seed ${seed}`, async () => {
      const cmds = randomScript(seed, 300);
      for (const hello3 of [false, true]) {
        const [ours, theirs] = await both(cmds, hello3);
        expect(labelled(cmds, ours)).toEqual(labelled(cmds, theirs));
      }
    });
  }
});

// ---- the score reply itself ----------------------------------------------------------------------

describe("score formatting", () => {
  test("random doubles print as Redis 7.0 prints them", async () => {
    const rnd = prng(99);
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    const values: string[] = [];
    while (values.length < 400) {
      u[0] = Math.floor(rnd() * 2 ** 32);
      u[1] = Math.floor(rnd() * 2 ** 32);
      if (Number.isFinite(f[0])) values.push(String(f[0]));
      // Exactly halfway between two 17-digit decimals: ties go to even, as glibc rounds.
      const q = 1 + Math.floor(rnd() * 20);
      let m = Math.floor(1e17 / 5 ** q) + Math.floor(rnd() * 1000) * 2 + 1;
      if (m < 2 ** 53) values.push(String(m / 2 ** q));
      m = Math.floor(rnd() * 1e6);
      values.push(String(m / 1000), String(m * 1e-9));
    }
    const cmds: Cmd[] = values.map((v, i) => ["ZADD", "z", v, `m${i}`]);
    cmds.push(["ZRANGE", "z", "0", "-1", "WITHSCORES"], ...values.slice(0, 100).map((_, i) => ["ZSCORE", "z", `m${i}`]));
    for (const hello3 of [false, true]) {
      const [ours, theirs] = await both(cmds, hello3);
      expect(ours).toEqual(theirs);
      expect(scoreText(ours[ours.length - 1]).length).toBeGreaterThan(0);
    }
  });
});

// ---- memory: the denyoom commands under noeviction -----------------------------------------

describe("a full heap under noeviction", () => {
  const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

  test("growing writes get -OOM, nothing is lost, ZREM makes room again", async () => {
    const small = await startServer({ set: ["cache.heap_size=1MB", "cache.segment_size=64KB", "cache.eviction=noeviction"] });
    try {
      const member = (i: number) => `${"m".repeat(1000)}${i}`;
      let stored = 0;
      let refused = "";
      for (let batch = 0; batch < 100 && refused === ""; batch++) {
        const cmds: Cmd[] = [];
        for (let i = 0; i < 50; i++) cmds.push(["ZADD", "big", String(batch * 50 + i), member(batch * 50 + i)]);
        for (const reply of splitReplies(await exchangeResp(small.port, cmds))) {
          if (refused !== "") break;
          if (reply === ":1\r\n") stored++;
          else refused = reply;
        }
      }
      expect(refused).toBe(OOM);
      expect(stored).toBeGreaterThan(100);
      const after = await exchangeResp(small.port, [
        ["ZCARD", "big"], ["ZADD", "other", "1", "a"], ["ZINCRBY", "big", "1", member(0)], ["ZUNIONSTORE", "d", "1", "big"],
        ["ZRANGESTORE", "d", "big", "0", "-1"], ["ZSCORE", "big", member(0)], ["ZRANK", "big", member(stored - 1)], ["EXISTS", "other", "d"],
      ]);
      expect(after).toBe(`:${stored}\r\n${OOM}${OOM}${OOM}${OOM}$1\r\n0\r\n:${stored - 1}\r\n:0\r\n`);
      // ZPOPMIN is not denyoom, and shrinks.
      expect(await exchangeResp(small.port, [["ZPOPMIN", "big"]])).toBe(`*2\r\n$1001\r\n${member(0)}\r\n$1\r\n0\r\n`);
      const rest = Array.from({ length: stored - 1 }, (_, i) => member(i + 1));
      const freed = await exchangeResp(small.port, [["ZREM", "big", ...rest.slice(0, rest.length - 10)], ["ZADD", "big", "5", "again"], ["ZCARD", "big"]]);
      expect(freed).toBe(`:${rest.length - 10}\r\n:1\r\n:11\r\n`);
    } finally {
      await small.stop();
    }
  });
});
