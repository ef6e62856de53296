import { describe, expect, test } from "bun:test";
import { ItemType } from "../../../src/store/index.ts";
import { arr, bulk, EMPTY_BULK, err, Harness, int, NOT_INTEGER, NULL, OK, SYNTAX, WRONGTYPE } from "./harness.ts";

const TOO_BIG = err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");

describe("APPEND", () => {
  test("creates, appends, answers the length", () => {
    const h = new Harness();
    expect(h.cmd("APPEND", "k", "Hello")).toBe(int(5));
    expect(h.cmd("APPEND", "k", " World")).toBe(int(11));
    expect(h.cmd("GET", "k")).toBe(bulk("Hello World"));
    expect(h.cmd("APPEND", "k", "")).toBe(int(11));
    expect(h.cmd("APPEND", "e", "")).toBe(int(0));
    expect(h.cmd("EXISTS", "e")).toBe(int(1));
  });

  test("keeps the expiry", () => {
    const h = new Harness();
    h.cmd("SET", "k", "a", "EX", "100");
    expect(h.cmd("APPEND", "k", "b")).toBe(int(2));
    expect(h.cmd("TTL", "k")).toBe(int(100));
  });

  test("binary data", () => {
    const h = new Harness();
    h.cmd("APPEND", "k", new Uint8Array([0, 1]));
    h.cmd("APPEND", "k", new Uint8Array([255, 0]));
    expect(h.cmd("GET", "k")).toBe("$4\r\n\x00\x01\xff\x00\r\n");
  });

  test("wrong type and size limit", () => {
    const h = new Harness({ maxValueSizeBytes: 16 });
    h.setTyped("l", ItemType.List);
    expect(h.cmd("APPEND", "l", "x")).toBe(WRONGTYPE);
    h.cmd("SET", "k", "0123456789");
    expect(h.cmd("APPEND", "k", "012345")).toBe(int(16));
    expect(h.cmd("APPEND", "k", "x")).toBe(TOO_BIG);
    expect(h.cmd("STRLEN", "k")).toBe(int(16));
  });
});

describe("STRLEN", () => {
  test("lengths", () => {
    const h = new Harness();
    expect(h.cmd("STRLEN", "k")).toBe(int(0));
    h.cmd("SET", "k", "hello world");
    expect(h.cmd("STRLEN", "k")).toBe(int(11));
    h.cmd("SET", "n", "-12345");
    expect(h.cmd("STRLEN", "n")).toBe(int(6));
    h.setTyped("h", ItemType.Hash);
    expect(h.cmd("STRLEN", "h")).toBe(WRONGTYPE);
  });
});

describe("GETRANGE, SUBSTR", () => {
  test("Redis's documented ranges", () => {
    const h = new Harness();
    h.cmd("SET", "mykey", "This is a string");
    expect(h.cmd("GETRANGE", "mykey", "0", "3")).toBe(bulk("This"));
    expect(h.cmd("GETRANGE", "mykey", "-3", "-1")).toBe(bulk("ing"));
    expect(h.cmd("GETRANGE", "mykey", "0", "-1")).toBe(bulk("This is a string"));
    expect(h.cmd("GETRANGE", "mykey", "10", "100")).toBe(bulk("string"));
    expect(h.cmd("SUBSTR", "mykey", "0", "3")).toBe(bulk("This"));
  });

  test("edge cases", () => {
    const h = new Harness();
    h.cmd("SET", "k", "hello");
    expect(h.cmd("GETRANGE", "k", "-1", "-5")).toBe(EMPTY_BULK);
    expect(h.cmd("GETRANGE", "k", "-100", "-50")).toBe(bulk("h"));
    expect(h.cmd("GETRANGE", "k", "-100", "100")).toBe(bulk("hello"));
    expect(h.cmd("GETRANGE", "k", "3", "1")).toBe(EMPTY_BULK);
    expect(h.cmd("GETRANGE", "k", "5", "10")).toBe(EMPTY_BULK);
    expect(h.cmd("GETRANGE", "k", "4", "4")).toBe(bulk("o"));
    expect(h.cmd("GETRANGE", "k", "0", "0")).toBe(bulk("h"));
    expect(h.cmd("GETRANGE", "k", "-1", "0")).toBe(EMPTY_BULK);
    expect(h.cmd("GETRANGE", "k", "9223372036854775807", "9223372036854775807")).toBe(EMPTY_BULK);
    expect(h.cmd("GETRANGE", "k", "-9223372036854775808", "9223372036854775807")).toBe(bulk("hello"));
    h.cmd("SET", "e", "");
    expect(h.cmd("GETRANGE", "e", "0", "-1")).toBe(EMPTY_BULK);
    h.cmd("SET", "n", "1234");
    expect(h.cmd("GETRANGE", "n", "1", "2")).toBe(bulk("23"));
  });

  test("missing key is an empty string, not nil", () => {
    const h = new Harness();
    expect(h.cmd("GETRANGE", "none", "0", "-1")).toBe(EMPTY_BULK);
  });

  test("errors: integers first, then type", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    expect(h.cmd("GETRANGE", "l", "a", "1")).toBe(NOT_INTEGER);
    expect(h.cmd("GETRANGE", "l", "1", "1.5")).toBe(NOT_INTEGER);
    expect(h.cmd("GETRANGE", "none", "1", "x")).toBe(NOT_INTEGER);
    expect(h.cmd("GETRANGE", "l", "0", "1")).toBe(WRONGTYPE);
    expect(h.cmd("GETRANGE", "k", "0")).toBe(err("ERR wrong number of arguments for 'getrange' command"));
  });
});

describe("SETRANGE", () => {
  test("overwrites inside and extends", () => {
    const h = new Harness();
    h.cmd("SET", "key1", "Hello World");
    expect(h.cmd("SETRANGE", "key1", "6", "Redis")).toBe(int(11));
    expect(h.cmd("GET", "key1")).toBe(bulk("Hello Redis"));
    expect(h.cmd("SETRANGE", "key1", "9", "xyz")).toBe(int(12));
    expect(h.cmd("GET", "key1")).toBe(bulk("Hello Redxyz"));
  });

  test("zero padding on a new key and past the end", () => {
    const h = new Harness();
    expect(h.cmd("SETRANGE", "key2", "6", "Redis")).toBe(int(11));
    expect(h.cmd("GET", "key2")).toBe(bulk("\x00\x00\x00\x00\x00\x00Redis"));
    h.cmd("SET", "k", "ab");
    expect(h.cmd("SETRANGE", "k", "5", "c")).toBe(int(6));
    expect(h.cmd("GET", "k")).toBe(bulk("ab\x00\x00\x00c"));
  });

  test("an empty value changes nothing", () => {
    const h = new Harness();
    expect(h.cmd("SETRANGE", "none", "10", "")).toBe(int(0));
    expect(h.cmd("EXISTS", "none")).toBe(int(0));
    h.cmd("SET", "k", "abc");
    expect(h.cmd("SETRANGE", "k", "100", "")).toBe(int(3));
    expect(h.cmd("GET", "k")).toBe(bulk("abc"));
  });

  test("keeps the expiry", () => {
    const h = new Harness();
    h.cmd("SET", "k", "abc", "PX", "5000");
    expect(h.cmd("SETRANGE", "k", "1", "X")).toBe(int(3));
    expect(h.cmd("GET", "k")).toBe(bulk("aXc"));
    expect(h.cmd("PTTL", "k")).toBe(int(5000));
  });

  test("errors", () => {
    const h = new Harness({ maxValueSizeBytes: 1024 * 1024 });
    expect(h.cmd("SETRANGE", "k", "-1", "x")).toBe(err("ERR offset is out of range"));
    expect(h.cmd("SETRANGE", "k", "x", "x")).toBe(NOT_INTEGER);
    expect(h.cmd("SETRANGE", "k", "536870912", "x")).toBe(TOO_BIG);
    expect(h.cmd("SETRANGE", "k", "9223372036854775807", "x")).toBe(TOO_BIG);
    expect(h.cmd("SETRANGE", "k", String(1024 * 1024), "x")).toBe(TOO_BIG);
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
    h.setTyped("l", ItemType.List);
    expect(h.cmd("SETRANGE", "l", "0", "x")).toBe(WRONGTYPE);
    expect(h.cmd("SETRANGE", "l", "-1", "x")).toBe(err("ERR offset is out of range"));
    // an empty value on a missing key answers 0 even far beyond the limit
    expect(h.cmd("SETRANGE", "none", "536870912", "")).toBe(int(0));
  });

  test("scratch reuse does not leak old bytes into the padding", () => {
    const h = new Harness();
    h.cmd("SET", "big", "y".repeat(100));
    h.cmd("APPEND", "big", "z".repeat(100));
    expect(h.cmd("SETRANGE", "pad", "50", "q")).toBe(int(51));
    expect(h.cmd("GET", "pad")).toBe(bulk("\x00".repeat(50) + "q"));
    h.cmd("SET", "s", "ab");
    expect(h.cmd("SETRANGE", "s", "40", "q")).toBe(int(41));
    expect(h.cmd("GET", "s")).toBe(bulk("ab" + "\x00".repeat(38) + "q"));
  });
});

describe("LCS", () => {
  function setup(): Harness {
    const h = new Harness();
    h.cmd("MSET", "key1", "ohmytext", "key2", "mynewtext");
    return h;
  }
  const matches = (...items: string[]) => arr(bulk("matches"), arr(...items), bulk("len"), int(6));
  const range = (a0: number, a1: number, b0: number, b1: number, len?: number) =>
    len === undefined ? arr(arr(int(a0), int(a1)), arr(int(b0), int(b1))) : arr(arr(int(a0), int(a1)), arr(int(b0), int(b1)), int(len));

  test("the string and LEN", () => {
    const h = setup();
    expect(h.cmd("LCS", "key1", "key2")).toBe(bulk("mytext"));
    expect(h.cmd("LCS", "key1", "key2", "LEN")).toBe(int(6));
    expect(h.cmd("LCS", "key1", "key2", "len", "len")).toBe(int(6));
  });

  test("IDX, MINMATCHLEN, WITHMATCHLEN", () => {
    const h = setup();
    expect(h.cmd("LCS", "key1", "key2", "IDX")).toBe(matches(range(4, 7, 5, 8), range(2, 3, 0, 1)));
    expect(h.cmd("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4")).toBe(matches(range(4, 7, 5, 8)));
    expect(h.cmd("LCS", "key1", "key2", "IDX", "WITHMATCHLEN")).toBe(matches(range(4, 7, 5, 8, 4), range(2, 3, 0, 1, 2)));
    expect(h.cmd("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-5", "WITHMATCHLEN")).toBe(
      matches(range(4, 7, 5, 8, 4), range(2, 3, 0, 1, 2)),
    );
  });

  test("IDX in RESP3 is a map", () => {
    const h = new Harness({ proto: 3 });
    h.cmd("MSET", "a", "ab", "b", "ab");
    expect(h.cmd("LCS", "a", "b", "IDX")).toBe(`%2\r\n${bulk("matches")}${arr(range(0, 1, 0, 1))}${bulk("len")}${int(2)}`);
  });

  test("missing keys are empty strings", () => {
    const h = setup();
    expect(h.cmd("LCS", "key1", "none")).toBe(EMPTY_BULK);
    expect(h.cmd("LCS", "none", "none2", "LEN")).toBe(int(0));
    expect(h.cmd("LCS", "key1", "none", "IDX")).toBe(arr(bulk("matches"), arr(), bulk("len"), int(0)));
  });

  test("errors", () => {
    const h = setup();
    h.setTyped("l", ItemType.List);
    expect(h.cmd("LCS", "key1", "l")).toBe(err("ERR The specified keys must contain string values"));
    expect(h.cmd("LCS", "l", "key1", "FOO")).toBe(err("ERR The specified keys must contain string values"));
    expect(h.cmd("LCS", "key1", "key2", "IDX", "LEN")).toBe(err("ERR If you want both the length and indexes, please just use IDX."));
    expect(h.cmd("LCS", "key1", "key2", "MINMATCHLEN")).toBe(SYNTAX);
    expect(h.cmd("LCS", "key1", "key2", "MINMATCHLEN", "x")).toBe(NOT_INTEGER);
    expect(h.cmd("LCS", "key1", "key2", "FOO")).toBe(SYNTAX);
    expect(h.cmd("LCS", "key1")).toBe(err("ERR wrong number of arguments for 'lcs' command"));
  });

  test("a longer pair", () => {
    const h = new Harness();
    h.cmd("MSET", "a", "ACCGGTCGAGTGCGCGGAAGCCGGCCGAA", "b", "GTCGTTCGGAATGCCGTTGCTCTGTAAA");
    expect(h.cmd("LCS", "a", "b")).toBe(bulk("GTCGTCGGAAGCCGGCCGAA"));
    expect(h.cmd("LCS", "a", "b", "LEN")).toBe(int(20));
    const expected = [
      [27, 28, 26, 27, 2], [26, 26, 23, 23, 1], [25, 25, 21, 21, 1], [23, 24, 18, 19, 2],
      [19, 22, 12, 15, 4], [14, 18, 6, 10, 5], [9, 10, 3, 4, 2], [4, 6, 0, 2, 3],
    ];
    expect(h.cmd("LCS", "a", "b", "IDX", "WITHMATCHLEN")).toBe(
      arr(bulk("matches"), arr(...expected.map((m) => range(m[0], m[1], m[2], m[3], m[4]))), bulk("len"), int(20)),
    );
    expect(h.cmd("LCS", "a", "b", "IDX", "MINMATCHLEN", "4")).toBe(
      arr(bulk("matches"), arr(range(19, 22, 12, 15), range(14, 18, 6, 10)), bulk("len"), int(20)),
    );
  });

  test("the transient table is bounded", () => {
    const h = new Harness({ maxValueSizeBytes: 1024 * 1024 });
    h.cmd("SET", "a", "x".repeat(20000));
    h.cmd("SET", "b", "y".repeat(20000));
    expect(h.cmd("LCS", "a", "b")).toBe(err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
  });
});

test("SET after SETRANGE/APPEND leaves a plain value", () => {
  const h = new Harness();
  h.cmd("SETRANGE", "k", "2", "x");
  expect(h.cmd("SET", "k", "v")).toBe(OK);
  expect(h.cmd("GET", "k")).toBe(bulk("v"));
  expect(h.cmd("GET", "other")).toBe(NULL);
});
