import { describe, expect, test } from "bun:test";
import { RespParser } from "../../../src/protocol/resp/index.ts";
import { argvOf, bytes, concat, feed, latin1, parseAll, resp, splits, type Event } from "./helpers.ts";

const LIMITS = { maxBulkBytes: 512 * 1024 * 1024 };

function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 97 === 0 ? 13 : i % 97 === 1 ? 10 : (i * 31) & 0xff;
  return out;
}

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const BIG = pattern(5000);

/** A pipeline mixing every frame shape; what it must parse to. */
const PIPELINE = concat(
  resp("SET", "key:1", "a\r\nb\r\n"),
  resp("SET", "empty", ""),
  resp("SET", "big", BIG),
  bytes("PING\r\n"),
  bytes("\r\n"),
  bytes("*0\r\n"),
  bytes("*-1\r\n"),
  bytes(`SET "q k" 'v w'\r\n`),
  bytes("GET key:1\n"),
  resp("GET", "key:1"),
  resp("SET", "bin", ALL_BYTES),
  bytes("   \r\n"),
  resp("DEL", "$3\r\n", "*1\r\n"),
);
const latin = (b: Uint8Array) => latin1(b);
const EXPECTED: Event[] = [
  ["SET", "key:1", "a\r\nb\r\n"],
  ["SET", "empty", ""],
  ["SET", "big", latin(BIG)],
  ["PING"],
  ["SET", "q k", "v w"],
  ["GET", "key:1"],
  ["GET", "key:1"],
  ["SET", "bin", latin(ALL_BYTES)],
  ["DEL", "$3\r\n", "*1\r\n"],
];

describe("RespParser: framing", () => {
  test("one frame: arguments point into the input buffer", () => {
    const p = new RespParser(LIMITS);
    const input = concat(bytes("xx"), resp("SET", "k", "value"), bytes("*1"));
    const n = p.parse(input, 2, input.length);
    expect(n).toBe(resp("SET", "k", "value").length);
    expect(p.argc).toBe(3);
    expect(p.buf).toBe(input);
    expect(argvOf(p)).toEqual(["SET", "k", "value"]);
    expect(p.off[0]).toBe(2 + 8);
    expect(p.len[2]).toBe(5);
    expect(p.parse(input, 2 + n, input.length)).toBe(0);
  });

  test("the whole pipeline at once", () => {
    const r = parseAll(PIPELINE);
    expect(r.events).toEqual(EXPECTED);
    expect(r.pending).toBe(0);
  });

  test("split at every byte offset, and byte by byte, gives the same commands", () => {
    const p = new RespParser(LIMITS);
    for (const chunks of splits(PIPELINE)) {
      const r = feed(p, chunks);
      expect(r.events).toEqual(EXPECTED);
      expect(r.pending).toBe(0);
    }
  });

  test("the same without waiting for needBytes (re-parsing every time)", () => {
    const p = new RespParser(LIMITS);
    for (const chunks of splits(PIPELINE)) {
      const r = feed(p, chunks, false);
      expect(r.events).toEqual(EXPECTED);
      expect(r.pending).toBe(0);
    }
  });

  test("frames Redis skips consume their bytes with argc 0", () => {
    const p = new RespParser(LIMITS);
    for (const s of ["*0\r\n", "*-1\r\n", "*-10\r\n", "\r\n", "\n", "  \t \r\n", "*-9223372036854775808\r\n"]) {
      const b = bytes(s);
      expect(p.parse(b, 0, b.length)).toBe(b.length);
      expect(p.argc).toBe(0);
    }
  });

  test("an incomplete frame returns 0 at every prefix", () => {
    const p = new RespParser(LIMITS);
    const frame = resp("SET", "key", "value");
    for (let i = 0; i < frame.length; i++) expect(p.parse(frame, 0, i)).toBe(0);
    expect(p.parse(frame, 0, frame.length)).toBe(frame.length);
  });

  test("like Redis, the two bytes after bulk data and after a header's CR are not checked", () => {
    // Verified against redis-server 7.0: "*1\r\n$3\rXfoo\r\n" runs "foo"; "fooXY" then PING runs both.
    expect(parseAll("*1\r\n$3\rXfoo\r\nPING\r\n").events).toEqual([["foo"], ["PING"]]);
    expect(parseAll("*2\r\n$4\r\nECHO\r\n$3\r\nfooXYPING\r\n").events).toEqual([["ECHO", "foo"], ["PING"]]);
    expect(parseAll("*1\rx$4\rxPING\rx").events).toEqual([["PING"]]);
  });

  test("argument storage grows for many arguments", () => {
    const args = Array.from({ length: 3000 }, (_, i) => `k${i}`);
    const r = parseAll(resp("MSET", ...args));
    expect(r.events).toEqual([["MSET", ...args]]);
  });

  test("one parser shared by interleaved connections", () => {
    const p = new RespParser(LIMITS);
    const a = resp("SET", "a", "1");
    const b = resp("GET", "b");
    expect(p.parse(a, 0, 10)).toBe(0);
    expect(p.parse(b, 0, b.length)).toBe(b.length);
    expect(argvOf(p)).toEqual(["GET", "b"]);
    expect(p.parse(a, 0, a.length)).toBe(a.length);
    expect(argvOf(p)).toEqual(["SET", "a", "1"]);
  });
});

describe("RespParser: needBytes", () => {
  test("is the whole frame's size once a bulk header is read, else 0", () => {
    const p = new RespParser(LIMITS);
    const frame = resp("SET", "k", new Uint8Array(100_000));
    const headerEnd = bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n").length;
    expect(p.parse(frame, 0, 6)).toBe(0);
    expect(p.needBytes).toBe(0);
    expect(p.parse(frame, 0, 12)).toBe(0);
    expect(p.needBytes).toBe(13); // "$3\r\n" read: SET and its CRLF end at 13
    expect(p.parse(frame, 0, headerEnd - 1)).toBe(0);
    expect(p.needBytes).toBe(0);
    expect(p.parse(frame, 0, headerEnd)).toBe(0);
    expect(p.needBytes).toBe(frame.length);
    expect(p.parse(frame, 0, frame.length - 1)).toBe(0);
    expect(p.needBytes).toBe(frame.length);
    expect(p.parse(frame, 0, frame.length)).toBe(frame.length);
    expect(p.needBytes).toBe(0);
  });

  test("is relative to start and counts only up to the bulk being read", () => {
    const p = new RespParser(LIMITS);
    const frame = concat(bytes("junk"), resp("A", new Uint8Array(50), "b"));
    expect(p.parse(frame, 4, 4 + 20)).toBe(0);
    // "*2\r\n$1\r\nA\r\n$50\r\n" is 16 bytes, then 50 + 2.
    expect(p.needBytes).toBe(16 + 52);
  });

  test("a 1 MiB value in 4 KiB chunks is parsed a handful of times, not once per chunk", () => {
    const value = pattern(1024 * 1024);
    const input = concat(resp("SET", "k", value), resp("GET", "k"));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < input.length; i += 4096) chunks.push(input.subarray(i, i + 4096));
    const r = feed(new RespParser(LIMITS), chunks);
    expect(r.events).toEqual([["SET", "k", latin(value)], ["GET", "k"]]);
    expect(r.calls).toBeLessThan(6);
  });

  test("random chunking of big values", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const values = [pattern(70_000), pattern(3), pattern(200_000), new Uint8Array(0)];
    const input = concat(...values.map((v, i) => resp("SET", `k${i}`, v)));
    const expected = values.map((v, i) => ["SET", `k${i}`, latin(v)]);
    for (let round = 0; round < 8; round++) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < input.length; ) {
        const n = 1 + rand(round % 2 === 0 ? 2000 : 70_000);
        chunks.push(input.subarray(i, i + n));
        i += n;
      }
      expect(feed(new RespParser(LIMITS), chunks).events).toEqual(expected);
    }
  });
});

describe("RespParser: limits", () => {
  test("limits are mutable at runtime (CONFIG SET proto-max-bulk-len)", () => {
    const p = new RespParser({ maxBulkBytes: 10 });
    expect(feed(p, [resp("SET", "k", "0123456789")]).events).toEqual([["SET", "k", "0123456789"]]);
    expect(feed(p, [resp("SET", "k", "0123456789A")]).events).toEqual([{ error: "ERR Protocol error: invalid bulk length" }]);
    p.limits.maxBulkBytes = 11;
    expect(feed(p, [resp("SET", "k", "0123456789A")]).events).toEqual([["SET", "k", "0123456789A"]]);
  });

  test("defaults: 64 KiB inline, 1024*1024 multibulk count", () => {
    const p = new RespParser(LIMITS);
    expect(p.limits).toEqual({ maxBulkBytes: LIMITS.maxBulkBytes, maxInlineBytes: 65536, maxMultibulkCount: 1048576 });
    const ok = bytes("*1048576\r\n");
    expect(p.parse(ok, 0, ok.length)).toBe(0);
    const over = bytes("*1048577\r\n");
    expect(p.parse(over, 0, over.length)).toBe(-1);
    expect(p.error).toBe("ERR Protocol error: invalid multibulk length");
    p.limits.maxMultibulkCount = 2 ** 31 - 1; // Redis 7's INT_MAX
    expect(p.parse(over, 0, over.length)).toBe(0);
    const intMax = bytes("*2147483648\r\n");
    expect(p.parse(intMax, 0, intMax.length)).toBe(-1);
  });

  test("an unauthenticated client gets at most 10 arguments of 16384 bytes", () => {
    const p = new RespParser(LIMITS);
    p.authRequired = true;
    expect(feed(p, [bytes("*11\r\n")]).events).toEqual([{ error: "ERR Protocol error: unauthenticated multibulk length" }]);
    expect(feed(p, [resp(..."abcdefghij")]).events).toEqual([[..."abcdefghij"]]);
    expect(feed(p, [bytes("*1\r\n$16385\r\n")]).events).toEqual([{ error: "ERR Protocol error: unauthenticated bulk length" }]);
    expect(feed(p, [resp("AUTH", "x".repeat(16384))]).events).toEqual([["AUTH", "x".repeat(16384)]]);
    // An invalid length is reported as invalid first, as in Redis.
    expect(feed(p, [bytes("*1\r\n$-1\r\n")]).events).toEqual([{ error: "ERR Protocol error: invalid bulk length" }]);
    p.authRequired = false;
    expect(feed(p, [bytes("*11\r\n")]).events).toEqual([]);
  });
});
