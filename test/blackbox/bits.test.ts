// The bit commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO),
// differential: every script goes pipelined to Crucible and to a real redis-server 7.0, and
// the raw reply bytes must be identical. Bit replies are all deterministic, so nothing is
// normalised; on a mismatch the first differing reply is reported with its command.

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

let scriptCounter = 0;
/** Each script runs on fresh keys: "{name}" in any argument becomes a key no other script uses. */
function fresh(cmds: Cmd[]): Cmd[] {
  const tag = `bits${++scriptCounter}`;
  return cmds.map((cmd) => cmd.map((arg) => arg.replace(/\{(\w+)\}/g, (_m, name: string) => `${tag}:${name}`)));
}

// ---- a small RESP2/RESP3 reader, to split replies and to look inside COMMAND's ---------------

type Value = { t: "simple" | "error" | "int" | "bulk" | "double" | "bool"; v: string } | { t: "null" } | { t: "agg"; v: Value[] };

/** The replies in `text` as [raw text, value] pairs. */
function parseReplies(text: string): [string, Value][] {
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
        const v: Value[] = [];
        for (let i = 0; i < (type === "%" ? 2 * n : n); i++) v.push(one());
        return { t: "agg", v };
      }
      default:
        throw new Error(`unexpected reply type ${JSON.stringify(type)} at ${pos - 1}`);
    }
  };
  const out: [string, Value][] = [];
  while (pos < text.length) {
    const start = pos;
    const v = one();
    out.push([text.slice(start, pos), v]);
  }
  return out;
}

function show(cmd: Cmd): string {
  return JSON.stringify(cmd.map((a) => (a.length > 60 ? `${a.slice(0, 60)}...(${a.length} bytes)` : a)));
}

async function both(cmds: Cmd[], hello3 = false): Promise<[Cmd[], string, string]> {
  const script = fresh(cmds);
  const opts = { hello3, timeoutMs: 20_000 };
  const [ours, theirs] = await Promise.all([exchangeResp(server.port, script, opts), exchangeResp(redis.port, script, opts)]);
  return [script, ours, theirs];
}

/** Same bytes from both servers; on a difference, names the first command whose reply differs. */
async function expectSame(cmds: Cmd[], hello3 = false): Promise<void> {
  const [script, ours, theirs] = await both(cmds, hello3);
  if (ours === theirs) return;
  const a = parseReplies(ours);
  const b = parseReplies(theirs);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]?.[0] !== b[i]?.[0]) {
      expect({ command: show(script[i] ?? []), crucible: a[i]?.[0] }).toEqual({ command: show(script[i] ?? []), crucible: b[i]?.[0] });
    }
  }
  expect(ours).toBe(theirs);
}

/** A string of the given bytes (latin1: one char per byte). */
function bytes(...b: number[]): string {
  return String.fromCharCode(...b);
}

function randomBytes(rand: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    const r = rand();
    // Runs of 0x00 and 0xff make BITPOS skip whole bytes; the rest is noise.
    s += String.fromCharCode(r < 0.25 ? 0 : r < 0.5 ? 0xff : Math.floor(rand() * 256));
  }
  return s;
}

const INT64_MAX = "9223372036854775807";
const INT64_MIN = "-9223372036854775808";
const WRONGTYPE_SETUP: Cmd = ["HSET", "{h}", "f", "v"];

describe("SETBIT and GETBIT", () => {
  test("set, clear, grow, read back", async () => {
    await expectSame([
      ["SETBIT", "{k}", "7", "1"],
      ["GET", "{k}"],
      ["SETBIT", "{k}", "7", "1"],
      ["SETBIT", "{k}", "7", "0"],
      ["GET", "{k}"],
      ["GETBIT", "{k}", "7"],
      ["SETBIT", "{k}", "0", "1"],
      ["GETBIT", "{k}", "0"],
      ["GETBIT", "{k}", "1"],
      ["GETBIT", "{k}", "100"],
      ["SETBIT", "{k}", "100", "1"],
      ["STRLEN", "{k}"],
      ["GET", "{k}"],
      ["GETBIT", "{k}", "100"],
      ["GETBIT", "{k}", "101"],
      ["GETBIT", "{k}", "4294967295"],
      ["GETBIT", "{missing}", "0"],
      ["GETBIT", "{missing}", "4294967295"],
      ["EXISTS", "{missing}"],
    ]);
  });

  test("clearing a bit of a missing key still creates it, zero-padded", async () => {
    await expectSame([
      ["SETBIT", "{k}", "0", "0"],
      ["EXISTS", "{k}"],
      ["GET", "{k}"],
      ["SETBIT", "{k2}", "23", "0"],
      ["STRLEN", "{k2}"],
      ["GET", "{k2}"],
      ["SETBIT", "{k2}", "8", "0"],
      ["STRLEN", "{k2}"],
    ]);
  });

  test("on existing binary, integer-like and empty strings", async () => {
    await expectSame([
      ["SET", "{k}", bytes(0, 0xff, 0x80, 0x01, 0)],
      ["SETBIT", "{k}", "8", "0"],
      ["SETBIT", "{k}", "39", "1"],
      ["GET", "{k}"],
      ["SET", "{n}", "12345"],
      ["GETBIT", "{n}", "2"],
      ["SETBIT", "{n}", "0", "1"],
      ["GET", "{n}"],
      ["INCR", "{n}"],
      ["SET", "{e}", ""],
      ["GETBIT", "{e}", "0"],
      ["SETBIT", "{e}", "3", "1"],
      ["GET", "{e}"],
    ]);
  });

  test("a megabyte bitmap: the last bit max_value_size allows", async () => {
    await expectSame([
      ["SETBIT", "{k}", "8388607", "1"],
      ["STRLEN", "{k}"],
      ["GETBIT", "{k}", "8388607"],
      ["BITCOUNT", "{k}"],
      ["BITPOS", "{k}", "1"],
      ["BITPOS", "{k}", "0", "1000"],
      ["BITPOS", "{k}", "1", "-1", "-1", "BYTE"],
      ["SETBIT", "{k}", "8388607", "0"],
      ["BITCOUNT", "{k}"],
      ["BITPOS", "{k}", "0", "0", "-1"],
      ["DEL", "{k}"],
    ]);
  });

  test("argument errors, nothing written", async () => {
    await expectSame([
      ["SETBIT", "{k}", "-1", "1"],
      ["SETBIT", "{k}", "4294967296", "1"],
      ["SETBIT", "{k}", INT64_MAX, "1"],
      ["SETBIT", "{k}", "99999999999999999999", "1"],
      ["SETBIT", "{k}", "abc", "1"],
      ["SETBIT", "{k}", "1.5", "1"],
      ["SETBIT", "{k}", "", "1"],
      ["SETBIT", "{k}", "+1", "1"],
      ["SETBIT", "{k}", "01", "1"],
      ["SETBIT", "{k}", "0", "2"],
      ["SETBIT", "{k}", "0", "-1"],
      ["SETBIT", "{k}", "0", "a"],
      ["SETBIT", "{k}", "0", ""],
      ["SETBIT", "{k}", "0", " 1"],
      ["SETBIT", "{k}", "0", "9223372036854775808"],
      ["SETBIT", "{k}", "-1", "x"],
      ["GETBIT", "{k}", "-1"],
      ["GETBIT", "{k}", "x"],
      ["GETBIT", "{k}", "4294967296"],
      ["SETBIT", "{k}", "0"],
      ["SETBIT", "{k}", "0", "1", "1"],
      ["GETBIT", "{k}"],
      ["GETBIT", "{k}", "0", "1"],
      ["EXISTS", "{k}"],
    ]);
  });

  test("the expiry is kept", async () => {
    await expectSame([
      ["SET", "{k}", "abc", "EX", "1000"],
      ["SETBIT", "{k}", "1", "1"],
      ["TTL", "{k}"],
      ["SETBIT", "{k}", "1", "1"],
      ["TTL", "{k}"],
      ["SETBIT", "{k}", "200", "1"],
      ["TTL", "{k}"],
      ["GET", "{k}"],
    ]);
  });
});

describe("WRONGTYPE and argument-order precedence", () => {
  test("every command against a hash", async () => {
    await expectSame([
      WRONGTYPE_SETUP,
      ["SETBIT", "{h}", "0", "1"],
      ["SETBIT", "{h}", "0", "2"],
      ["SETBIT", "{h}", "-1", "1"],
      ["GETBIT", "{h}", "0"],
      ["GETBIT", "{h}", "-1"],
      ["BITCOUNT", "{h}"],
      ["BITCOUNT", "{h}", "0"],
      ["BITCOUNT", "{h}", "a", "b"],
      ["BITCOUNT", "{h}", "0", "1", "foo"],
      ["BITPOS", "{h}", "1"],
      ["BITPOS", "{h}", "2"],
      ["BITPOS", "{h}", "x"],
      ["BITPOS", "{h}", "1", "a", "b", "c", "d"],
      ["BITFIELD", "{h}"],
      ["BITFIELD", "{h}", "GET", "u8", "0"],
      ["BITFIELD", "{h}", "SET", "u8", "0", "1"],
      ["BITFIELD", "{h}", "GET", "u8", "x"],
      ["BITFIELD", "{h}", "SET", "u8", "0", "x"],
      ["BITFIELD_RO", "{h}", "GET", "u8", "0"],
      ["BITFIELD_RO", "{h}", "SET", "u8", "0", "1"],
      ["BITOP", "AND", "{d}", "{h}"],
      ["BITOP", "OR", "{d}", "{missing}", "{h}"],
      ["BITOP", "FOO", "{d}", "{h}"],
      ["BITOP", "NOT", "{d}", "{h}", "{h}"],
      ["EXISTS", "{d}"],
      ["HGET", "{h}", "f"],
    ]);
  });

  test("BITOP overwrites a destination of another type", async () => {
    await expectSame([
      WRONGTYPE_SETUP,
      ["SET", "{k}", "ab"],
      ["BITOP", "OR", "{h}", "{k}"],
      ["TYPE", "{h}"],
      ["GET", "{h}"],
      ["HSET", "{h2}", "f", "v"],
      ["BITOP", "AND", "{h2}", "{missing}"],
      ["EXISTS", "{h2}"],
    ]);
  });
});

/** BITCOUNT over every small range of `value`, in bytes and in bits. */
function bitcountRanges(value: string): Cmd[] {
  const cmds: Cmd[] = [["SET", "{k}", value]];
  const n = value.length;
  for (let s = -n - 2; s <= n + 2; s++) {
    for (let e = -n - 2; e <= n + 2; e++) {
      cmds.push(["BITCOUNT", "{k}", String(s), String(e)]);
      cmds.push(["BITCOUNT", "{k}", String(s), String(e), "byte"]);
    }
  }
  const bits = 8 * n;
  for (let s = -bits - 3; s <= bits + 3; s += 1) {
    for (let e = -bits - 3; e <= bits + 3; e += 3) cmds.push(["BITCOUNT", "{k}", String(s), String(e), "BIT"]);
  }
  return cmds;
}

describe("BITCOUNT", () => {
  test("whole strings", async () => {
    await expectSame([
      ["SET", "{k}", "foobar"],
      ["BITCOUNT", "{k}"],
      ["SET", "{b}", bytes(0, 0xff, 0x80, 0x01, 0, 0xaa, 0x55)],
      ["BITCOUNT", "{b}"],
      ["SET", "{e}", ""],
      ["BITCOUNT", "{e}"],
      ["BITCOUNT", "{e}", "0", "-1"],
      ["BITCOUNT", "{e}", "0", "-1", "BIT"],
      ["SET", "{n}", "-1234567"],
      ["BITCOUNT", "{n}", "1", "2"],
    ]);
  });

  test("ranges of foobar in bytes and bits", async () => {
    await expectSame(bitcountRanges("foobar"));
  });

  test("ranges of a binary string", async () => {
    await expectSame(bitcountRanges(bytes(0xff, 0, 0x81, 0x7e, 0xff)));
  });

  test("extreme indexes", async () => {
    await expectSame([
      ["SET", "{k}", "foobar"],
      ["BITCOUNT", "{k}", INT64_MAX, INT64_MAX],
      ["BITCOUNT", "{k}", INT64_MIN, INT64_MAX],
      ["BITCOUNT", "{k}", INT64_MIN, INT64_MIN],
      ["BITCOUNT", "{k}", INT64_MIN, INT64_MAX, "BIT"],
      ["BITCOUNT", "{k}", "0", INT64_MAX, "BIT"],
      ["BITCOUNT", "{k}", "-1", INT64_MIN],
      ["BITCOUNT", "{k}", "9223372036854775808", "1"],
    ]);
  });

  test("syntax and integer errors; a missing key answers 0 whatever follows", async () => {
    await expectSame([
      ["SET", "{k}", "foobar"],
      ["BITCOUNT", "{k}", "0"],
      ["BITCOUNT", "{k}", "0", "1", "2", "3"],
      ["BITCOUNT", "{k}", "a", "b"],
      ["BITCOUNT", "{k}", "0", "b"],
      ["BITCOUNT", "{k}", "1.5", "2"],
      ["BITCOUNT", "{k}", "0", "1", "foo"],
      ["BITCOUNT", "{k}", "x", "1", "foo"],
      ["BITCOUNT", "{k}", "-1", "-2", "foo"],
      ["BITCOUNT", "{k}", "0", "1", "bits"],
      ["BITCOUNT", "{k}", "0", "1", "Bit"],
      ["BITCOUNT", "{k}", "0", "1", "bYtE"],
      ["BITCOUNT", "{missing}"],
      ["BITCOUNT", "{missing}", "0"],
      ["BITCOUNT", "{missing}", "a", "b"],
      ["BITCOUNT", "{missing}", "0", "1", "foo"],
      ["BITCOUNT", "{missing}", "0", "1", "2", "3"],
      ["BITCOUNT"],
    ]);
  });
});

/** BITPOS for both bits over small ranges of `value`: no range, start only, start and end in both units. */
function bitposRanges(value: string): Cmd[] {
  const cmds: Cmd[] = [["SET", "{k}", value]];
  const n = value.length;
  for (const bit of ["0", "1"]) {
    cmds.push(["BITPOS", "{k}", bit]);
    for (let s = -n - 2; s <= n + 2; s++) {
      cmds.push(["BITPOS", "{k}", bit, String(s)]);
      for (let e = -n - 2; e <= n + 2; e++) {
        cmds.push(["BITPOS", "{k}", bit, String(s), String(e)]);
        if ((s + e) % 3 === 0) cmds.push(["BITPOS", "{k}", bit, String(s), String(e), "BYTE"]);
      }
    }
    const bits = 8 * n;
    for (let s = -bits - 2; s <= bits + 2; s++) {
      for (let e = -bits - 2; e <= bits + 2; e += 2) cmds.push(["BITPOS", "{k}", bit, String(s), String(e), "bit"]);
    }
  }
  return cmds;
}

describe("BITPOS", () => {
  test("the first set and clear bits, and the zero padding past the end", async () => {
    await expectSame([
      ["SET", "{k}", bytes(0xff, 0xf0, 0x00)],
      ["BITPOS", "{k}", "0"],
      ["BITPOS", "{k}", "1"],
      ["BITPOS", "{k}", "1", "2"],
      ["BITPOS", "{k}", "1", "1"],
      ["SET", "{ones}", bytes(0xff, 0xff, 0xff)],
      ["BITPOS", "{ones}", "1"],
      ["BITPOS", "{ones}", "0"],
      ["BITPOS", "{ones}", "0", "0"],
      ["BITPOS", "{ones}", "0", "1"],
      ["BITPOS", "{ones}", "0", "0", "-1"],
      ["BITPOS", "{ones}", "0", "0", "-1", "BYTE"],
      ["BITPOS", "{ones}", "0", "0", "-1", "BIT"],
      ["BITPOS", "{ones}", "0", "0", "23", "BIT"],
      ["BITPOS", "{ones}", "0", "0", "100", "BIT"],
      ["SET", "{zeros}", bytes(0, 0, 0)],
      ["BITPOS", "{zeros}", "1"],
      ["BITPOS", "{zeros}", "0"],
      ["BITPOS", "{zeros}", "1", "0", "-1"],
      ["BITPOS", "{zeros}", "0", "1"],
      ["SET", "{e}", ""],
      ["BITPOS", "{e}", "0"],
      ["BITPOS", "{e}", "1"],
      ["BITPOS", "{e}", "0", "0"],
      ["BITPOS", "{e}", "0", "0", "-1", "BIT"],
      ["BITPOS", "{missing}", "0"],
      ["BITPOS", "{missing}", "1"],
      ["BITPOS", "{missing}", "0", "5", "10", "BIT"],
      ["BITPOS", "{missing}", "1", "a"],
    ]);
  });

  test("ranges over mixed bytes", async () => {
    await expectSame(bitposRanges(bytes(0x0f, 0xf0, 0x3c)));
  });

  test("ranges over runs of ones and zeros", async () => {
    await expectSame([...bitposRanges(bytes(0xff, 0xff, 0x7f)), ...bitposRanges(bytes(0, 0, 0x01, 0x80))]);
  });

  test("long runs skipped a byte at a time", async () => {
    const ones = "\xff".repeat(300);
    const zeros = "\x00".repeat(300);
    await expectSame([
      ["SET", "{a}", `${ones}\xfe${ones}`],
      ["BITPOS", "{a}", "0"],
      ["BITPOS", "{a}", "0", "301"],
      ["BITPOS", "{a}", "0", "301", "-1"],
      ["BITPOS", "{a}", "0", "2400", "2500", "BIT"],
      ["SET", "{b}", `${zeros}\x01${zeros}`],
      ["BITPOS", "{b}", "1"],
      ["BITPOS", "{b}", "1", "-300"],
      ["BITPOS", "{b}", "1", "0", "2406", "BIT"],
      ["BITPOS", "{b}", "1", "0", "2407", "BIT"],
      ["BITPOS", "{b}", "0", "2407", "2407", "BIT"],
    ]);
  });

  test("errors", async () => {
    await expectSame([
      ["SET", "{k}", "foo"],
      ["BITPOS", "{k}", "2"],
      ["BITPOS", "{k}", "-1"],
      ["BITPOS", "{k}", "a"],
      ["BITPOS", "{k}", ""],
      ["BITPOS", "{k}", "99999999999999999999"],
      ["BITPOS", "{missing}", "2"],
      ["BITPOS", "{k}", "1", "a"],
      ["BITPOS", "{k}", "1", "0", "a"],
      ["BITPOS", "{k}", "1", "a", "0", "foo"],
      ["BITPOS", "{k}", "1", "0", "a", "foo"],
      ["BITPOS", "{k}", "1", "0", "1", "foo"],
      ["BITPOS", "{k}", "1", "0", "1", "bit", "x"],
      ["BITPOS", "{k}", "1", INT64_MIN, INT64_MAX, "bit"],
      ["BITPOS", "{k}"],
    ]);
  });
});

describe("BITOP", () => {
  test("AND, OR, XOR, NOT over strings of different lengths", async () => {
    await expectSame([
      ["SET", "{a}", bytes(0xff, 0x0f, 0xaa)],
      ["SET", "{b}", bytes(0xf0, 0xff)],
      ["SET", "{c}", bytes(0x01)],
      ["BITOP", "AND", "{d}", "{a}", "{b}"],
      ["GET", "{d}"],
      ["BITOP", "or", "{d}", "{a}", "{b}", "{c}"],
      ["GET", "{d}"],
      ["BITOP", "Xor", "{d}", "{a}", "{b}", "{c}"],
      ["GET", "{d}"],
      ["BITOP", "NOT", "{d}", "{a}"],
      ["GET", "{d}"],
      ["BITOP", "AND", "{d}", "{a}"],
      ["GET", "{d}"],
      ["BITOP", "AND", "{d}", "{a}", "{missing}"],
      ["GET", "{d}"],
      ["BITOP", "OR", "{d}", "{missing}", "{c}"],
      ["GET", "{d}"],
      ["BITOP", "XOR", "{d}", "{a}", "{a}"],
      ["GET", "{d}"],
    ]);
  });

  test("the destination may be a source; its expiry goes", async () => {
    await expectSame([
      ["SET", "{a}", "hello", "EX", "1000"],
      ["SET", "{b}", "world"],
      ["BITOP", "XOR", "{a}", "{a}", "{b}"],
      ["GET", "{a}"],
      ["TTL", "{a}"],
      ["BITOP", "NOT", "{b}", "{b}"],
      ["GET", "{b}"],
    ]);
  });

  test("an empty result deletes the destination", async () => {
    await expectSame([
      ["SET", "{d}", "x"],
      ["BITOP", "AND", "{d}", "{m1}", "{m2}"],
      ["EXISTS", "{d}"],
      ["SET", "{d}", "x"],
      ["SET", "{e}", ""],
      ["BITOP", "NOT", "{d}", "{e}"],
      ["EXISTS", "{d}"],
      ["BITOP", "OR", "{d}", "{e}", "{m1}"],
      ["EXISTS", "{d}"],
    ]);
  });

  test("long binary strings and many sources", async () => {
    const rand = prng(7);
    const cmds: Cmd[] = [];
    for (let i = 0; i < 10; i++) cmds.push(["SET", `{s${i}}`, randomBytes(rand, 1 + Math.floor(rand() * 200))]);
    const all = Array.from({ length: 10 }, (_, i) => `{s${i}}`);
    for (const op of ["AND", "OR", "XOR"]) {
      cmds.push(["BITOP", op, "{d}", ...all], ["GET", "{d}"]);
      cmds.push(["BITOP", op, "{d}", "{s0}", "{s1}"], ["GET", "{d}"]);
    }
    cmds.push(["BITOP", "NOT", "{d}", "{s3}"], ["GET", "{d}"]);
    await expectSame(cmds);
  });

  test("errors", async () => {
    await expectSame([
      ["SET", "{a}", "x"],
      ["BITOP", "FOO", "{d}", "{a}"],
      ["BITOP", "ANDX", "{d}", "{a}"],
      ["BITOP", "", "{d}", "{a}"],
      ["BITOP", "NOT", "{d}", "{a}", "{a}"],
      ["BITOP", "not", "{d}"],
      ["BITOP", "AND", "{d}"],
      ["BITOP"],
      ["EXISTS", "{d}"],
    ]);
  });
});

describe("BITFIELD", () => {
  test("the documented examples", async () => {
    await expectSame([
      ["BITFIELD", "{k}", "INCRBY", "i5", "100", "1", "GET", "u4", "0"],
      ["BITFIELD", "{m}", "incrby", "u2", "100", "1", "OVERFLOW", "SAT", "incrby", "u2", "102", "1"],
      ["BITFIELD", "{m}", "incrby", "u2", "100", "1", "OVERFLOW", "SAT", "incrby", "u2", "102", "1"],
      ["BITFIELD", "{m}", "incrby", "u2", "100", "1", "OVERFLOW", "SAT", "incrby", "u2", "102", "1"],
      ["BITFIELD", "{m}", "incrby", "u2", "100", "1", "OVERFLOW", "SAT", "incrby", "u2", "102", "1"],
      ["BITFIELD", "{m}", "OVERFLOW", "FAIL", "incrby", "u2", "102", "1"],
      ["BITFIELD", "{s}", "SET", "i8", "#0", "100", "SET", "i8", "#1", "200"],
      ["BITFIELD", "{s}", "GET", "u8", "#0", "GET", "i8", "#1", "GET", "u16", "0"],
      ["GET", "{s}"],
    ]);
  });

  test("GET reads zeros past the end and creates nothing", async () => {
    await expectSame([
      ["BITFIELD", "{k}", "GET", "u8", "0", "GET", "i64", "1000"],
      ["EXISTS", "{k}"],
      ["BITFIELD_RO", "{k}", "GET", "u8", "0"],
      ["SET", "{k}", bytes(0xff, 0x80)],
      ["BITFIELD", "{k}", "GET", "u16", "4", "GET", "i16", "4", "GET", "i64", "0", "GET", "u63", "0", "GET", "i1", "8", "GET", "u1", "9"],
      ["BITFIELD_RO", "{k}", "GET", "i4", "0", "GET", "u4", "#1", "GET", "i8", "#200"],
      ["BITFIELD", "{k}"],
      ["BITFIELD_RO", "{k}"],
      ["BITFIELD", "{missing}"],
      ["EXISTS", "{missing}"],
    ]);
  });

  test("SET answers the old value, INCRBY the new; later operations see earlier writes", async () => {
    await expectSame([
      ["BITFIELD", "{k}", "SET", "u8", "0", "200", "GET", "u8", "0", "INCRBY", "u8", "0", "10", "GET", "i8", "0"],
      ["BITFIELD", "{k}", "SET", "i64", "8", "-5", "GET", "i64", "8", "GET", "u63", "8", "INCRBY", "i64", "8", "5"],
      ["BITFIELD", "{k}", "SET", "u16", "3", "65535", "GET", "u16", "3", "GET", "u32", "0"],
      ["GET", "{k}"],
      ["STRLEN", "{k}"],
    ]);
  });

  test("#N offsets, and their int64 wrap-around", async () => {
    await expectSame([
      ["BITFIELD", "{k}", "SET", "u8", "#2", "255", "GET", "u8", "#2", "GET", "u8", "16"],
      ["BITFIELD", "{k}", "GET", "u8", "#536870911"],
      ["BITFIELD", "{k}", "GET", "u8", "#536870912"],
      ["BITFIELD", "{k}", "GET", "i64", "#288230376151711744"],
      ["BITFIELD", "{k}", "GET", "i64", `#${INT64_MAX}`],
      ["BITFIELD", "{k}", "GET", "u63", "#146402730743726600"],
      ["BITFIELD", "{k}", "GET", "i3", "#3074457345618258603"],
      ["BITFIELD", "{k}", "GET", "u8", "#-1"],
      ["BITFIELD", "{k}", "GET", "u8", "#"],
      ["BITFIELD", "{k}", "GET", "u8", "##1"],
      ["BITFIELD", "{k}", "GET", "u8", "#01"],
      ["GET", "{k}"],
    ]);
  });

  test("OVERFLOW FAIL on a missing key still creates it, padded", async () => {
    await expectSame([
      ["BITFIELD", "{k}", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10"],
      ["EXISTS", "{k}"],
      ["GET", "{k}"],
      ["BITFIELD", "{k}", "OVERFLOW", "FAIL", "SET", "i4", "200", "8"],
      ["STRLEN", "{k}"],
    ]);
  });

  test("the expiry is kept", async () => {
    await expectSame([
      ["SET", "{k}", "abc", "EX", "1000"],
      ["BITFIELD", "{k}", "SET", "u8", "0", "65"],
      ["TTL", "{k}"],
      ["BITFIELD", "{k}", "SET", "u8", "0", "65"],
      ["TTL", "{k}"],
      ["BITFIELD", "{k}", "INCRBY", "u8", "100", "1"],
      ["TTL", "{k}"],
      ["GET", "{k}"],
    ]);
  });

  test("overflow policies at every width's limits", async () => {
    const types = ["i1", "u1", "i2", "u7", "i8", "u8", "i16", "u31", "i32", "u32", "i33", "u33", "i53", "u53", "i54", "i63", "u63", "i64"];
    const values = [
      "0", "1", "-1", "2", "-2", "127", "128", "-128", "-129", "255", "256", "2147483647", "2147483648", "-2147483648",
      "-2147483649", "4294967295", "4294967296", "4503599627370496", "-4503599627370496", "4503599627370497", "9007199254740993",
      "4611686018427387904", "-4611686018427387904", "9223372036854775806", INT64_MAX, INT64_MIN, "-9223372036854775807",
    ];
    const cmds: Cmd[] = [];
    for (const type of types) {
      for (const ow of ["WRAP", "SAT", "FAIL"]) {
        for (const v of values) {
          cmds.push(["BITFIELD", "{k}", "OVERFLOW", ow, "SET", type, "3", v, "GET", type, "3"]);
          cmds.push(["BITFIELD", "{k}", "OVERFLOW", ow, "INCRBY", type, "3", v, "GET", type, "3"]);
          cmds.push(["BITFIELD", "{k}", "OVERFLOW", ow, "INCRBY", type, "3", v]);
        }
      }
    }
    cmds.push(["GET", "{k}"]);
    await expectSame(cmds);
  });

  test("OVERFLOW applies to the operations after it, and may change midway", async () => {
    await expectSame([
      ["BITFIELD", "{k}", "SET", "u4", "0", "15", "INCRBY", "u4", "0", "1", "OVERFLOW", "SAT", "INCRBY", "u4", "0", "100",
        "OVERFLOW", "FAIL", "INCRBY", "u4", "0", "1", "OVERFLOW", "wrap", "INCRBY", "u4", "0", "1", "overflow", "Sat", "set", "i4", "4", "-100"],
      ["GET", "{k}"],
    ]);
  });

  test("errors are found before anything runs", async () => {
    await expectSame([
      ["BITFIELD", "{k}", "GET"],
      ["BITFIELD", "{k}", "GET", "u8"],
      ["BITFIELD", "{k}", "SET", "u8", "0"],
      ["BITFIELD", "{k}", "INCRBY", "u8", "0"],
      ["BITFIELD", "{k}", "FOO", "u8", "0"],
      ["BITFIELD", "{k}", "OVERFLOW"],
      ["BITFIELD", "{k}", "OVERFLOW", "FOO", "GET", "u8", "0"],
      ["BITFIELD", "{k}", "SET", "u8", "0", "1", "OVERFLOW", "FOO"],
      ["BITFIELD", "{k}", "SET", "u8", "0", "1", "GET", "x8", "0"],
      ["BITFIELD", "{k}", "GET", "u64", "0"],
      ["BITFIELD", "{k}", "GET", "i65", "0"],
      ["BITFIELD", "{k}", "GET", "i0", "0"],
      ["BITFIELD", "{k}", "GET", "u", "0"],
      ["BITFIELD", "{k}", "GET", "", "0"],
      ["BITFIELD", "{k}", "GET", "U8", "0"],
      ["BITFIELD", "{k}", "GET", "I8", "0"],
      ["BITFIELD", "{k}", "GET", "i08", "0"],
      ["BITFIELD", "{k}", "GET", "i-8", "0"],
      ["BITFIELD", "{k}", "GET", "u8\x00junk", "0"],
      ["BITFIELD", "{k}", "GET", "u8", "-1"],
      ["BITFIELD", "{k}", "GET", "u8", "4294967296"],
      ["BITFIELD", "{k}", "GET", "u8", "x"],
      ["BITFIELD", "{k}", "SET", "u8", "0", "x"],
      ["BITFIELD", "{k}", "SET", "u8", "0", "9223372036854775808"],
      ["BITFIELD", "{k}", "INCRBY", "u8", "0", "1.5"],
      ["BITFIELD", "{k}", "INCRBY", "u8", "0", ""],
      ["BITFIELD", "{k}", "SET", "u8", "0", "1", "GET", "u8"],
      ["EXISTS", "{k}"],
      ["BITFIELD"],
    ]);
  });

  test("BITFIELD_RO takes only GET, after parsing everything", async () => {
    await expectSame([
      ["SET", "{k}", "abc"],
      ["BITFIELD_RO", "{k}", "GET", "u8", "0", "GET", "i16", "#1"],
      ["BITFIELD_RO", "{k}", "SET", "u8", "0", "1"],
      ["BITFIELD_RO", "{k}", "GET", "u8", "0", "INCRBY", "u8", "0", "1"],
      ["BITFIELD_RO", "{k}", "OVERFLOW", "SAT"],
      ["BITFIELD_RO", "{k}", "OVERFLOW", "FOO"],
      ["BITFIELD_RO", "{k}", "SET", "u8", "0", "x"],
      ["BITFIELD_RO", "{k}", "SET", "u64", "0", "1"],
      ["BITFIELD_RO", "{missing}", "SET", "u8", "0", "1"],
      ["EXISTS", "{missing}"],
      ["GET", "{k}"],
      ["BITFIELD_RO"],
    ]);
  });

  test("RESP3: nulls for failed writes", async () => {
    await expectSame(
      [
        ["BITFIELD", "{k}", "OVERFLOW", "FAIL", "SET", "u2", "0", "4", "SET", "u2", "0", "3", "INCRBY", "i8", "8", "-200", "GET", "u2", "0"],
        ["BITFIELD_RO", "{k}", "GET", "u8", "0"],
        ["SETBIT", "{k}", "1", "0"],
        ["BITCOUNT", "{k}"],
        ["BITPOS", "{k}", "1"],
        ["BITOP", "NOT", "{d}", "{k}"],
      ],
      true,
    );
  });
});

describe("randomized", () => {
  const keys = ["{a}", "{b}", "{c}", "{d}"];

  function randomInt64(rand: () => number): string {
    const r = rand();
    if (r < 0.1) return rand() < 0.5 ? INT64_MAX : INT64_MIN;
    if (r < 0.5) return String(Math.floor(rand() * 600) - 300);
    const big = BigInt.asIntN(64, (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32)));
    return String(big >> BigInt(Math.floor(rand() * 64)));
  }

  function randomType(rand: () => number): string {
    return rand() < 0.5 ? `i${1 + Math.floor(rand() * 64)}` : `u${1 + Math.floor(rand() * 63)}`;
  }

  function randomOffset(rand: () => number, bits: number): string {
    const r = rand();
    if (r < 0.2) return `#${Math.floor(rand() * 12)}`;
    if (r < 0.25) return String(Math.floor(rand() * 4000));
    return String(Math.floor(rand() * 200) + (bits > 0 ? 0 : 0));
  }

  function range(rand: () => number): string[] {
    const args: string[] = [];
    const r = rand();
    if (r < 0.3) return args;
    const span = rand() < 0.5 ? 30 : 250;
    args.push(String(Math.floor(rand() * 2 * span) - span), String(Math.floor(rand() * 2 * span) - span));
    if (r > 0.6) args.push(rand() < 0.5 ? "BIT" : "BYTE");
    return args;
  }

  function script(seed: number, count: number): Cmd[] {
    const rand = prng(seed);
    const key = () => keys[Math.floor(rand() * keys.length)];
    const cmds: Cmd[] = [];
    for (let i = 0; i < count; i++) {
      const r = rand();
      if (r < 0.2) {
        const off = rand() < 0.9 ? Math.floor(rand() * 256) : Math.floor(rand() * 20000);
        cmds.push(["SETBIT", key(), String(off), rand() < 0.6 ? "1" : "0"]);
      } else if (r < 0.27) {
        cmds.push(["GETBIT", key(), String(Math.floor(rand() * 300))]);
      } else if (r < 0.37) {
        cmds.push(["BITCOUNT", key(), ...range(rand)]);
      } else if (r < 0.5) {
        const args = range(rand);
        if (args.length === 2 && rand() < 0.3) args.pop();
        cmds.push(["BITPOS", key(), rand() < 0.5 ? "0" : "1", ...args]);
      } else if (r < 0.75) {
        const ro = rand() < 0.15;
        const cmd = [ro ? "BITFIELD_RO" : "BITFIELD", key()];
        const ops = 1 + Math.floor(rand() * 4);
        for (let j = 0; j < ops; j++) {
          const o = rand();
          const type = randomType(rand);
          if (o < 0.15) cmd.push("OVERFLOW", ["WRAP", "SAT", "FAIL"][Math.floor(rand() * 3)]);
          else if (o < 0.45 || ro) cmd.push("GET", type, randomOffset(rand, Number(type.slice(1))));
          else cmd.push(o < 0.7 ? "SET" : "INCRBY", type, randomOffset(rand, Number(type.slice(1))), randomInt64(rand));
        }
        cmds.push(cmd);
      } else if (r < 0.83) {
        const op = ["AND", "OR", "XOR", "NOT"][Math.floor(rand() * 4)];
        const n = op === "NOT" ? 1 : 1 + Math.floor(rand() * 3);
        cmds.push(["BITOP", op, key(), ...Array.from({ length: n }, key)]);
      } else if (r < 0.88) {
        cmds.push(["SET", key(), randomBytes(rand, Math.floor(rand() * 24))]);
      } else if (r < 0.9) {
        cmds.push(["DEL", key()]);
      } else if (r < 0.93) {
        cmds.push(["APPEND", key(), randomBytes(rand, 1 + Math.floor(rand() * 4))]);
      } else {
        cmds.push(["GET", key()]);
      }
    }
    for (const k of keys) cmds.push(["GET", k], ["STRLEN", k]);
    return cmds;
  }

  test("a seeded sequence of 600 operations, RESP2", async () => {
    await expectSame(script(20240501, 600));
  });

  test("another seed of 600 operations, RESP3", async () => {
    await expectSame(script(99, 600), true);
  });
});

describe("specs", () => {
  /** The first seven COMMAND INFO fields (name, arity, flags, key positions, ACL categories). */
  function infoHead(v: Value): unknown {
    if (v.t !== "agg") return v;
    const entry = v.v[0];
    if (entry.t !== "agg") return entry;
    return entry.v.slice(0, 7);
  }

  /**
   * COMMAND DOCS without what Crucible's ArgDoc has no field for: an argument's "since" and
   * "multiple_token" flag, the command's "history".
   */
  function docsShape(v: Value): unknown {
    const drop = new Set(["history"]);
    const strip = (x: Value, depth: number): unknown => {
      if (x.t !== "agg") return "v" in x ? x.v : null;
      const out: unknown[] = [];
      for (let i = 0; i < x.v.length; i++) {
        const item = x.v[i];
        const word = "v" in item && typeof item.v === "string" ? item.v : null;
        if (word === "multiple_token") continue;
        // Keys of a map (RESP2: a flat array of pairs) sit at even indexes.
        if (i % 2 === 0 && i + 1 < x.v.length && word !== null && (drop.has(word) || (word === "since" && depth > 2))) {
          i++;
          continue;
        }
        out.push(strip(item, depth + 1));
      }
      return out;
    };
    return strip(v, 0);
  }

  test("COMMAND INFO and COMMAND DOCS as Redis 7.0 has them", async () => {
    const names = ["setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro"];
    const cmds: Cmd[] = [];
    for (const n of names) cmds.push(["COMMAND", "INFO", n], ["COMMAND", "DOCS", n]);
    const [, ours, theirs] = await both(cmds);
    const a = parseReplies(ours);
    const b = parseReplies(theirs);
    expect(a.length).toBe(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      expect({ name: names[i], info: infoHead(a[2 * i][1]) }).toEqual({ name: names[i], info: infoHead(b[2 * i][1]) });
      expect({ name: names[i], docs: docsShape(a[2 * i + 1][1]) }).toEqual({ name: names[i], docs: docsShape(b[2 * i + 1][1]) });
    }
  });
});

describe("limits only Crucible has", () => {
  test("a write past max_value_size (1 MB) is refused and leaves nothing behind", async () => {
    const script = fresh([
      ["SETBIT", "{k}", "8388608", "1"],
      ["EXISTS", "{k}"],
      ["BITFIELD", "{k}", "SET", "u8", "0", "1", "SET", "u8", "8388608", "1"],
      ["EXISTS", "{k}"],
      ["SET", "{k}", "x"],
      ["SETBIT", "{k}", "8388608", "1"],
      ["BITFIELD", "{k}", "GET", "u8", "0", "SET", "u8", "8388601", "1"],
      ["GET", "{k}"],
    ]);
    const got = await exchangeResp(server.port, script);
    const tooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    expect(got).toBe(`${tooLong}:0\r\n${tooLong}:0\r\n+OK\r\n${tooLong}${tooLong}$1\r\nx\r\n`);
  });

  test("under noeviction a full heap refuses bit writes with -OOM alone, and loses nothing", async () => {
    const small = await startServer({ set: ["cache.heap_size=1MB", "cache.segment_size=64KB", "cache.eviction=noeviction"] });
    try {
      const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
      await exchangeResp(small.port, [["SET", "keep", "abc"], ["SET", "src", "s".repeat(50_000)]]);
      const value = "v".repeat(8000);
      let refused = "";
      for (let batch = 0; batch < 50 && refused === ""; batch++) {
        const cmds: Cmd[] = [];
        for (let i = 0; i < 20; i++) cmds.push(["SET", `fill-${batch}-${i}`, value]);
        for (const [raw, v] of parseReplies(await exchangeResp(small.port, cmds))) if (v.t === "error" && refused === "") refused = raw;
      }
      expect(refused).toBe(OOM);
      // Values of 60 KB: too big for a segment, so they need room the full heap cannot make.
      const got = await exchangeResp(small.port, [
        ["BITFIELD", "new", "GET", "u8", "0", "SET", "u8", "0", "1", "SET", "u8", "#60000", "1"],
        ["SETBIT", "new", "480000", "1"],
        ["BITOP", "NOT", "new", "src"],
        ["EXISTS", "new"],
        ["BITFIELD", "keep", "INCRBY", "u8", "0", "1", "SET", "u8", "#60000", "1"],
        ["GET", "keep"],
      ]);
      expect(got).toBe(`${OOM}${OOM}${OOM}:0\r\n${OOM}$3\r\nabc\r\n`);
    } finally {
      await small.stop();
    }
  });
});
