import { describe, expect, test } from "bun:test";
import { RespParser } from "../../../src/protocol/resp/index.ts";
import { bytes, feed, parseAll, splits, type Event } from "./helpers.ts";

const INVALID_MBULK = "ERR Protocol error: invalid multibulk length";
const INVALID_BULK = "ERR Protocol error: invalid bulk length";
const TOO_BIG_INLINE = "ERR Protocol error: too big inline request";
const TOO_BIG_MBULK = "ERR Protocol error: too big mbulk count string";
const TOO_BIG_BULK = "ERR Protocol error: too big bulk count string";
const UNBALANCED = "ERR Protocol error: unbalanced quotes in request";
const expected = (c: string) => `ERR Protocol error: expected '$', got '${c}'`;

// [input, commands run before the error, error]. Each reply was checked against
// redis-server 7.0.15 (same networking.c parsing as 7.2), which then closes the connection.
const CASES: [string, string[][], string][] = [
  // multibulk count
  ["*abc\r\n", [], INVALID_MBULK],
  ["*\r\n", [], INVALID_MBULK],
  ["* 1\r\n", [], INVALID_MBULK],
  ["*1 \r\n", [], INVALID_MBULK],
  ["*+1\r\n", [], INVALID_MBULK],
  ["*01\r\n", [], INVALID_MBULK],
  ["*-0\r\n", [], INVALID_MBULK],
  ["*-9223372036854775809\r\n", [], INVALID_MBULK],
  ["*99999999999999999999999\r\n", [], INVALID_MBULK],
  ["*3000000000\r\n", [], INVALID_MBULK],
  ["*1048577\r\n", [], INVALID_MBULK], // over maxMultibulkCount
  // bulk length
  ["*1\r\n$-1\r\n", [], INVALID_BULK],
  ["*1\r\n$abc\r\n", [], INVALID_BULK],
  ["*1\r\n$\r\n", [], INVALID_BULK],
  ["*1\r\n$+3\r\n", [], INVALID_BULK],
  ["*1\r\n$03\r\n", [], INVALID_BULK],
  ["*2\r\n$4\r\nECHO\r\n$-0\r\n", [], INVALID_BULK],
  ["*1\r\n$3 \r\n", [], INVALID_BULK],
  ["*1\r\n$600000000\r\n", [], INVALID_BULK], // over proto-max-bulk-len (512 MiB)
  ["*1\r\n$99999999999999999999999\r\n", [], INVALID_BULK],
  // '$' expected
  ["*1\r\nfoo\r\n", [], expected("f")],
  ["*2\r\n$3\r\nfoo\r\n:1\r\n", [], expected(":")],
  ["*1\r\n\r\n", [], expected(" ")], // CR and LF show as spaces, as addReplyErrorFormat maps them
  ["*1\r\n\nfoo\r\n", [], expected(" ")],
  // missing CRLF after bulk data: Redis skips two bytes blindly, then finds no '$'
  ["*2\r\n$3\r\nfoo$3\r\nbar\r\n", [], expected(" ")],
  // commands before a bad frame still run
  ["PING\r\n*1\r\nx\r\n", [["PING"]], expected("x")],
  [`SET a b\r\n*1\r\n$-5\r\n`, [["SET", "a", "b"]], INVALID_BULK],
  // inline quoting
  [`ECHO "a"b\r\n`, [], UNBALANCED],
  [`ECHO 'a'b\r\n`, [], UNBALANCED],
  [`ECHO "a\r\n`, [], UNBALANCED],
  [`ECHO 'abc\r\n`, [], UNBALANCED],
  [`ECHO a"b c"d\r\n`, [], UNBALANCED],
  [`ECHO "a""b"\r\n`, [], UNBALANCED],
  [`ECHO "\\"\r\n`, [], UNBALANCED],
  [`ECHO '\\\\'\r\n`, [], UNBALANCED],
];

describe("protocol errors carry Redis's exact text", () => {
  const cases = CASES;
  test.each(cases)("%j", (input, before, error) => {
    const r = parseAll(input);
    expect(r.events).toEqual([...before, { error }]);
  });

  test("the same result wherever the input is split", () => {
    const p = new RespParser({ maxBulkBytes: 512 * 1024 * 1024 });
    for (const [input, before, error] of cases) {
      for (const chunks of splits(bytes(input))) {
        expect(feed(p, chunks).events).toEqual([...before, { error }] as Event[]);
      }
    }
  });

  test("a NUL where '$' is expected cuts the message short, as C's %c does", () => {
    // Redis itself never answers this frame (its strchr stops at the NUL and waits).
    expect(parseAll("*1\r\n\x00\r\n").events).toEqual([{ error: "ERR Protocol error: expected '$', got '" }]);
  });

  test("a byte above 0x7f is reported as that character", () => {
    expect(parseAll("*1\r\n\xc3\r\n").events).toEqual([{ error: expected("\xc3") }]);
  });
});

describe("lines too long for PROTO_INLINE_MAX_SIZE (64 KiB)", () => {
  // Redis replies once more than 65536 bytes are buffered without the line's end, and
  // waits at exactly 65536 (checked against redis-server 7.0.15).
  test("inline request", () => {
    expect(parseAll("A".repeat(65536))).toEqual({ events: [], pending: 65536, calls: 1 });
    expect(parseAll("A".repeat(65537)).events).toEqual([{ error: TOO_BIG_INLINE }]);
  });

  test("multibulk count line", () => {
    expect(parseAll("*" + "1".repeat(65535)).events).toEqual([]);
    expect(parseAll("*" + "1".repeat(65536)).events).toEqual([{ error: TOO_BIG_MBULK }]);
  });

  test("bulk length line", () => {
    expect(parseAll("*1\r\n$" + "1".repeat(65535)).events).toEqual([]);
    expect(parseAll("*1\r\n$" + "1".repeat(65536)).events).toEqual([{ error: TOO_BIG_BULK }]);
    expect(parseAll("*1\r\n" + "x".repeat(65537)).events).toEqual([{ error: TOO_BIG_BULK }]);
  });

  test("reported while the frame is still incomplete, so a client cannot make the server buffer forever", () => {
    const p = new RespParser({ maxBulkBytes: 1 << 20, maxInlineBytes: 16 });
    const chunks = Array.from({ length: 100 }, () => bytes("AAAA"));
    const r = feed(p, chunks);
    expect(r.events).toEqual([{ error: TOO_BIG_INLINE }]);
    expect(r.pending).toBe(20); // the first 17+ bytes without a newline
  });

  test("a complete line over the limit is refused too, whatever the chunking", () => {
    // Redis's verdict would depend on whether the newline arrived in the same read; here
    // the limit applies to the line itself, so the outcome does not depend on chunking.
    const p = new RespParser({ maxBulkBytes: 1 << 20, maxInlineBytes: 16 });
    for (const [input, error] of [
      ["PING " + "x".repeat(12) + "\r\n", TOO_BIG_INLINE],
      ["*" + "1".repeat(16) + "\r\n", TOO_BIG_MBULK],
      ["*1\r\n$" + "1".repeat(16) + "\r\n", TOO_BIG_BULK],
    ]) {
      for (const chunks of splits(bytes(input))) expect(feed(p, chunks).events).toEqual([{ error }]);
    }
    // At the limit exactly: accepted ("PING " + 10 + "\r" = 16 bytes before the "\n").
    expect(feed(p, [bytes("PING " + "x".repeat(10) + "\r\n")]).events).toEqual([["PING", "x".repeat(10)]]);
    expect(feed(p, [bytes("*00000000000001\r\n$1\r\nx\r\n")]).events).toEqual([{ error: INVALID_MBULK }]);
  });
});
