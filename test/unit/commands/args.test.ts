import { describe, expect, test } from "bun:test";
import {
  argFloat,
  argFloatOrReply,
  argInt,
  argInt64,
  argIntOrReply,
  argIs,
  argLongLong,
  argLongLongOrReply,
  argsEqual,
  FloatKind,
  parseDouble,
  scanFloat,
  Tok,
} from "../../../src/commands/args.ts";
import { errUnknownCommand, errUnknownSubcommand, errWrongArity, replyStoreStatus } from "../../../src/commands/errors.ts";
import { SetStatus } from "../../../src/store/index.ts";
import { Harness } from "./harness.ts";

const enc = new TextEncoder();

/** A harness whose argv holds the given words (via a parse of GET's frame shape). */
function argvOf(...words: string[]) {
  const h = new Harness();
  const bytes = enc.encode(`*${words.length}\r\n${words.map((w) => `$${enc.encode(w).length}\r\n${w}\r\n`).join("")}`);
  h.parser.parse(bytes, 0, bytes.length);
  h.reply.reset();
  return h;
}

function replyText(h: Harness): string {
  return Buffer.from(h.reply.bytes()).toString("latin1");
}

describe("argument helpers", () => {
  test("argIs is case-insensitive and length-exact", () => {
    const h = argvOf("SET", "Ex", "keepTTL", "exx", "e");
    expect(argIs(h.ctx, 1, Tok.ex)).toBe(true);
    expect(argIs(h.ctx, 2, Tok.keepttl)).toBe(true);
    expect(argIs(h.ctx, 3, Tok.ex)).toBe(false);
    expect(argIs(h.ctx, 4, Tok.ex)).toBe(false);
  });

  test("argsEqual", () => {
    const h = argvOf("x", "abc", "abc", "ABC");
    expect(argsEqual(h.ctx, 1, 2)).toBe(true);
    expect(argsEqual(h.ctx, 1, 3)).toBe(false);
  });

  test("integers follow string2ll", () => {
    const h = argvOf("x", "0", "-1", "123", "+1", "-0", "01", " 1", "1 ", "", "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1e3");
    const c = h.ctx;
    expect([1, 2, 3].map((i) => argInt(c, i))).toEqual([0, -1, 123]);
    for (const i of [4, 5, 6, 7, 8, 9, 15]) {
      expect(argInt(c, i)).toBeNaN();
      expect(argLongLong(c, i)).toBeNaN();
      expect(argInt64(c, i)).toBeNull();
    }
    expect(argInt(c, 10)).toBeNaN();
    expect(argInt64(c, 10)).toBe(9007199254740993n);
    expect(argLongLong(c, 10)).toBe(9007199254740992);
    expect(argInt64(c, 11)).toBe(9223372036854775807n);
    expect(argLongLong(c, 12)).toBeNaN();
    expect(argInt64(c, 12)).toBeNull();
    expect(argInt64(c, 13)).toBe(-9223372036854775808n);
  });

  test("OrReply variants write Redis's errors", () => {
    let h = argvOf("x", "abc");
    expect(argLongLongOrReply(h.ctx, 1)).toBeNaN();
    expect(replyText(h)).toBe("-ERR value is not an integer or out of range\r\n");
    h = argvOf("x", "2147483648");
    expect(argIntOrReply(h.ctx, 1)).toBeNaN();
    expect(replyText(h)).toBe("-ERR value is not an integer or out of range\r\n");
    h = argvOf("x", "-2147483648");
    expect(argIntOrReply(h.ctx, 1)).toBe(-2147483648);
    h = argvOf("x", "y");
    expect(argIntOrReply(h.ctx, 1, "ERR invalid first DB index")).toBeNaN();
    expect(replyText(h)).toBe("-ERR invalid first DB index\r\n");
    h = argvOf("x", "nan");
    expect(argFloatOrReply(h.ctx, 1)).toBeNaN();
    expect(replyText(h)).toBe("-ERR value is not a valid float\r\n");
  });
});

describe("floats (strtod rules)", () => {
  const d = (s: string) => parseDouble(enc.encode(s), 0, enc.encode(s).length);

  test("accepted forms", () => {
    expect(d("1")).toBe(1);
    expect(d("-1.5")).toBe(-1.5);
    expect(d("+.5")).toBe(0.5);
    expect(d("5.")).toBe(5);
    expect(d("1e3")).toBe(1000);
    expect(d("1E-3")).toBe(0.001);
    expect(d("0.1")).toBe(0.1);
    expect(d("123456789012345678901234567890")).toBe(1.2345678901234568e29);
    expect(d("3.14159265358979323846")).toBe(Math.PI);
    expect(d("inf")).toBe(Infinity);
    expect(d("-Infinity")).toBe(-Infinity);
    expect(d("0x10")).toBe(16);
    expect(d("0x1.8p1")).toBe(3);
    expect(d("-0X.8")).toBe(-0.5);
    expect(d("0x1fffffffffffff1")).toBe(Number(0x1fffffffffffff1n));
    expect(d("1e-310")).toBe(1e-310);
    expect(Object.is(d("-0"), -0)).toBe(true);
    expect(d("0e999999")).toBe(0);
    expect(d("1.7976931348623157e308")).toBe(Number.MAX_VALUE);
  });

  test("rejected forms", () => {
    for (const s of ["", " 1", "1 ", "abc", "1e", "1e+", "e5", ".", "-", "+", "0x", "0xg", "nan", "NAN", "nan(123)", "1.2.3", "1e400", "-1e400", "1e-400", "0x1p99999", "infinit", "1_0", "1,5"]) {
      expect(d(s)).toBeNaN();
    }
  });

  test("scanFloat classifies", () => {
    const k = (s: string) => scanFloat(enc.encode(s), 0, s.length);
    expect(k("1.5")).toBe(FloatKind.Decimal);
    expect(k("0x1p3")).toBe(FloatKind.Hex);
    expect(k("INF")).toBe(FloatKind.Infinity);
    expect(k("nan")).toBe(FloatKind.NaN);
    expect(k("nan(x_1)")).toBe(FloatKind.NaN);
    expect(k("x")).toBe(FloatKind.Invalid);
  });

  test("argFloat reads argv", () => {
    const h = argvOf("x", "2.5", "bad");
    expect(argFloat(h.ctx, 1)).toBe(2.5);
    expect(argFloat(h.ctx, 2)).toBeNaN();
  });
});

describe("error texts", () => {
  test("builders", () => {
    expect(errWrongArity("get")).toBe("ERR wrong number of arguments for 'get' command");
    expect(errUnknownSubcommand("foo", "object")).toBe("ERR unknown subcommand 'foo'. Try OBJECT HELP.");
    expect(errUnknownCommand("foo", ["a", "b"])).toBe("ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
  });

  test("replyStoreStatus", () => {
    const h = argvOf("x");
    expect(replyStoreStatus(h.ctx, SetStatus.Stored)).toBe(false);
    expect(replyStoreStatus(h.ctx, SetStatus.NotStored)).toBe(false);
    expect(replyText(h)).toBe("");
    expect(replyStoreStatus(h.ctx, SetStatus.OutOfMemory)).toBe(true);
    expect(replyText(h)).toBe("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    h.reply.reset();
    expect(replyStoreStatus(h.ctx, SetStatus.TooLarge)).toBe(true);
    expect(replyText(h)).toBe("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  });
});
