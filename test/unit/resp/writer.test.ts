import { describe, expect, test } from "bun:test";
import { RESP, ReplyWriter } from "../../../src/protocol/resp/index.ts";
import { bytes, latin1 } from "./helpers.ts";

type Write = (w: ReplyWriter) => void;

function out(proto: 2 | 3, write: Write, initialBytes = 1024): string {
  const w = new ReplyWriter(initialBytes);
  w.proto = proto;
  write(w);
  return latin1(w.buf, 0, w.pos);
}

const utf8 = (s: string) => latin1(new TextEncoder().encode(s));

// [name, write, RESP2 bytes, RESP3 bytes]
const CASES: [string, Write, string, string][] = [
  ["ok", (w) => w.ok(), "+OK\r\n", "+OK\r\n"],
  ["simple", (w) => w.simple("PONG"), "+PONG\r\n", "+PONG\r\n"],
  ["simple with CR/LF", (w) => w.simple("a\r\nb"), "+a  b\r\n", "+a  b\r\n"],
  ["error", (w) => w.error("ERR syntax error"), "-ERR syntax error\r\n", "-ERR syntax error\r\n"],
  ["error with newline", (w) => w.error("ERR a\nb"), "-ERR a b\r\n", "-ERR a b\r\n"],
  ["error UTF-8", (w) => w.error("ERR é"), utf8("-ERR é\r\n"), utf8("-ERR é\r\n")],
  ["integer 0", (w) => w.integer(0), ":0\r\n", ":0\r\n"],
  ["integer 1", (w) => w.integer(1), ":1\r\n", ":1\r\n"],
  ["integer -1", (w) => w.integer(-1), ":-1\r\n", ":-1\r\n"],
  ["integer 9", (w) => w.integer(9), ":9\r\n", ":9\r\n"],
  ["integer 10", (w) => w.integer(10), ":10\r\n", ":10\r\n"],
  ["integer 1234567890123", (w) => w.integer(1234567890123), ":1234567890123\r\n", ":1234567890123\r\n"],
  ["integer max safe", (w) => w.integer(-9007199254740991), ":-9007199254740991\r\n", ":-9007199254740991\r\n"],
  ["bigInteger int64", (w) => w.bigInteger(9223372036854775807n), ":9223372036854775807\r\n", ":9223372036854775807\r\n"],
  ["bigInteger int64 min", (w) => w.bigInteger(-9223372036854775808n), ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"],
  [
    "bigInteger beyond int64",
    (w) => w.bigInteger(1234567999999999999999999999999999999n),
    "$37\r\n1234567999999999999999999999999999999\r\n",
    "(1234567999999999999999999999999999999\r\n",
  ],
  ["bulk", (w) => w.bulk(bytes("xxhelloxx"), 2, 5), "$5\r\nhello\r\n", "$5\r\nhello\r\n"],
  ["bulk empty", (w) => w.bulk(bytes(""), 0, 0), "$0\r\n\r\n", "$0\r\n\r\n"],
  ["bulk binary", (w) => w.bulk(bytes("\r\n\x00\xff"), 0, 4), "$4\r\n\r\n\x00\xff\r\n", "$4\r\n\r\n\x00\xff\r\n"],
  ["bulkString", (w) => w.bulkString("hello"), "$5\r\nhello\r\n", "$5\r\nhello\r\n"],
  ["bulkString empty", (w) => w.bulkString(""), "$0\r\n\r\n", "$0\r\n\r\n"],
  ["bulkString UTF-8", (w) => w.bulkString("héllo €"), utf8("$10\r\nhéllo €\r\n"), utf8("$10\r\nhéllo €\r\n")],
  ["bulkString emoji", (w) => w.bulkString("😀"), utf8("$4\r\n😀\r\n"), utf8("$4\r\n😀\r\n")],
  ["nullBulk", (w) => w.nullBulk(), "$-1\r\n", "_\r\n"],
  ["nullArray", (w) => w.nullArray(), "*-1\r\n", "_\r\n"],
  ["arrayHeader", (w) => w.arrayHeader(3), "*3\r\n", "*3\r\n"],
  ["arrayHeader 0", (w) => w.arrayHeader(0), "*0\r\n", "*0\r\n"],
  ["mapHeader", (w) => w.mapHeader(2), "*4\r\n", "%2\r\n"],
  ["setHeader", (w) => w.setHeader(5), "*5\r\n", "~5\r\n"],
  ["pushHeader", (w) => w.pushHeader(3), "*3\r\n", ">3\r\n"],
  ["boolean true", (w) => w.boolean(true), ":1\r\n", "#t\r\n"],
  ["boolean false", (w) => w.boolean(false), ":0\r\n", "#f\r\n"],
  ["verbatim", (w) => w.verbatim("txt", "Some string"), "$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"],
  ["verbatim UTF-8", (w) => w.verbatim("mkd", "é"), utf8("$2\r\né\r\n"), utf8("=6\r\nmkd:é\r\n")],
  ["raw", (w) => w.raw(RESP.PONG), "+PONG\r\n", "+PONG\r\n"],
  ["double inf", (w) => w.double(Infinity), "$3\r\ninf\r\n", ",inf\r\n"],
  ["double -inf", (w) => w.double(-Infinity), "$4\r\n-inf\r\n", ",-inf\r\n"],
  ["double nan", (w) => w.double(NaN), "$3\r\nnan\r\n", ",nan\r\n"],
  ["double 0", (w) => w.double(0), "$1\r\n0\r\n", ",0\r\n"],
  ["double -0", (w) => w.double(-0), "$2\r\n-0\r\n", ",-0\r\n"],
  ["double 1.5", (w) => w.double(1.5), "$3\r\n1.5\r\n", ",1.5\r\n"],
  ["double 3", (w) => w.double(3.0), "$1\r\n3\r\n", ",3\r\n"],
  ["double 0.1", (w) => w.double(0.1), "$3\r\n0.1\r\n", ",0.1\r\n"],
  ["double 1e300", (w) => w.double(1e300), "$6\r\n1e+300\r\n", ",1e+300\r\n"],
  ["double 1e21", (w) => w.double(1e21), "$5\r\n1e+21\r\n", ",1e+21\r\n"],
  ["double 6.42923", (w) => w.double(6.42923), "$18\r\n6.4292299999999996\r\n", ",6.4292299999999996\r\n"],
  ["double 3.14", (w) => w.double(3.14), "$4\r\n3.14\r\n", ",3.14\r\n"],
  [
    "double -max",
    (w) => w.double(-1.7976931348623157e308),
    "$24\r\n-1.7976931348623157e+308\r\n",
    ",-1.7976931348623157e+308\r\n",
  ],
  ["double 1234567.5", (w) => w.double(1234567.5), "$9\r\n1234567.5\r\n", ",1234567.5\r\n"],
];

describe("ReplyWriter: exact bytes", () => {
  test.each(CASES)("%s", (_name, write, resp2, resp3) => {
    expect(out(2, write)).toBe(resp2);
    expect(out(3, write)).toBe(resp3);
    // The same starting near the end of a small buffer, so that it has to grow first.
    expect(out(2, (w) => (w.raw(new Uint8Array(60)), write(w)), 64).slice(60)).toBe(resp2);
    expect(out(3, (w) => (w.raw(new Uint8Array(60)), write(w)), 64).slice(60)).toBe(resp3);
  });

  test("a nested reply", () => {
    const write: Write = (w) => {
      w.mapHeader(2);
      w.bulkString("a");
      w.integer(1);
      w.bulkString("b");
      w.setHeader(2);
      w.double(2.5);
      w.nullBulk();
    };
    expect(out(2, write)).toBe("*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*2\r\n$3\r\n2.5\r\n$-1\r\n");
    expect(out(3, write)).toBe("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n~2\r\n,2.5\r\n_\r\n");
  });
});

describe("ReplyWriter: buffer", () => {
  test("grows past its initial capacity and keeps what was written", () => {
    const w = new ReplyWriter(64);
    let expected = "";
    const big = new Uint8Array(10_000).fill(120);
    for (let i = 0; i < 2000; i++) {
      w.integer(i);
      expected += `:${i}\r\n`;
      w.bulkString(`v${i}`);
      expected += `$${`v${i}`.length}\r\nv${i}\r\n`;
      if (i % 500 === 0) {
        w.bulk(big, 0, big.length);
        expected += `$10000\r\n${"x".repeat(10_000)}\r\n`;
      }
    }
    expect(w.buf.length).toBeGreaterThan(64);
    expect(latin1(w.bytes())).toBe(expected);
  });

  test("large bulk and long strings", () => {
    const value = Uint8Array.from({ length: 100_000 }, (_, i) => i & 0xff);
    const w = new ReplyWriter(16);
    w.bulk(value, 0, value.length);
    expect(latin1(w.bytes())).toBe(`$100000\r\n${latin1(value)}\r\n`);
    w.reset();
    expect(w.pos).toBe(0);
    const text = "ä".repeat(5000) + "abc";
    w.bulkString(text);
    expect(latin1(w.bytes())).toBe(utf8(`$10003\r\n${text}\r\n`));
    w.reset();
    w.bulkString("a".repeat(300)); // ASCII beyond the short-string path: header moved back
    expect(latin1(w.bytes())).toBe(`$300\r\n${"a".repeat(300)}\r\n`);
  });

  test("ensure makes room without writing", () => {
    const w = new ReplyWriter(64);
    w.ok();
    w.ensure(1000);
    expect(w.buf.length).toBeGreaterThanOrEqual(1005);
    expect(w.pos).toBe(5);
    expect(latin1(w.bytes())).toBe("+OK\r\n");
  });

  test("pre-encoded constants", () => {
    expect(latin1(RESP.OK)).toBe("+OK\r\n");
    expect(latin1(RESP.NULL_BULK)).toBe("$-1\r\n");
    expect(latin1(RESP.NULL3)).toBe("_\r\n");
    expect(latin1(RESP.EMPTY_ARRAY)).toBe("*0\r\n");
    expect(latin1(RESP.ZERO)).toBe(":0\r\n");
    expect(latin1(RESP.QUEUED)).toBe("+QUEUED\r\n");
  });
});
