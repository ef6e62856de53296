import { describe, expect, test } from "bun:test";
import { ItemType } from "../../../src/store/index.ts";
import { bulk, err, Harness, int, NOT_FLOAT, NOT_INTEGER, WRONGTYPE } from "./harness.ts";

const OVERFLOW = err("ERR increment or decrement would overflow");

describe("INCR, DECR, INCRBY, DECRBY", () => {
  test("start from zero on a missing key", () => {
    const h = new Harness();
    expect(h.cmd("INCR", "a")).toBe(int(1));
    expect(h.cmd("INCR", "a")).toBe(int(2));
    expect(h.cmd("DECR", "b")).toBe(int(-1));
    expect(h.cmd("INCRBY", "c", "10")).toBe(int(10));
    expect(h.cmd("DECRBY", "d", "10")).toBe(int(-10));
    expect(h.cmd("GET", "a")).toBe(bulk("2"));
    expect(h.cmd("GET", "d")).toBe(bulk("-10"));
  });

  test("crossing zero and signs", () => {
    const h = new Harness();
    h.cmd("SET", "k", "1");
    expect(h.cmd("DECRBY", "k", "2")).toBe(int(-1));
    expect(h.cmd("INCR", "k")).toBe(int(0));
    expect(h.cmd("GET", "k")).toBe(bulk("0"));
    expect(h.cmd("DECRBY", "k", "-5")).toBe(int(5));
    expect(h.cmd("INCRBY", "k", "0")).toBe(int(5));
    expect(h.cmd("DECRBY", "k", "0")).toBe(int(5));
  });

  test("keeps the expiry", () => {
    const h = new Harness();
    h.cmd("SET", "k", "5", "EX", "100");
    h.clock.advance(10_000);
    expect(h.cmd("INCR", "k")).toBe(int(6));
    expect(h.cmd("TTL", "k")).toBe(int(90));
    expect(h.cmd("INCRBYFLOAT", "k", "0.5")).toBe(bulk("6.5"));
    expect(h.cmd("TTL", "k")).toBe(int(90));
  });

  test("values that are not integers (string2ll rules)", () => {
    const h = new Harness();
    for (const v of ["abc", " 1", "1 ", "+1", "-0", "007", "1.0", "", "9223372036854775808", "-9223372036854775809", "12345678901234567890123"]) {
      h.cmd("SET", "k", v);
      expect(h.cmd("INCR", "k")).toBe(NOT_INTEGER);
      expect(h.cmd("GET", "k")).toBe(bulk(v));
    }
  });

  test("bad increments", () => {
    const h = new Harness();
    expect(h.cmd("INCRBY", "k", "abc")).toBe(NOT_INTEGER);
    expect(h.cmd("INCRBY", "k", "1.5")).toBe(NOT_INTEGER);
    expect(h.cmd("DECRBY", "k", "")).toBe(NOT_INTEGER);
    expect(h.cmd("INCRBY", "k", "9223372036854775808")).toBe(NOT_INTEGER);
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
  });

  test("the increment is checked before the key's type, the type before the value", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    expect(h.cmd("INCRBY", "l", "x")).toBe(NOT_INTEGER);
    expect(h.cmd("INCRBY", "l", "1")).toBe(WRONGTYPE);
    expect(h.cmd("INCR", "l")).toBe(WRONGTYPE);
    expect(h.cmd("DECR", "l")).toBe(WRONGTYPE);
    expect(h.cmd("INCRBYFLOAT", "l", "1")).toBe(WRONGTYPE);
  });

  test("int64 range: exact beyond 2^53", () => {
    const h = new Harness();
    h.cmd("SET", "k", "9007199254740991");
    expect(h.cmd("INCR", "k")).toBe(int(9007199254740992n));
    expect(h.cmd("INCR", "k")).toBe(int(9007199254740993n));
    expect(h.cmd("GET", "k")).toBe(bulk("9007199254740993"));
    expect(h.cmd("INCRBY", "k", "-9007199254740993")).toBe(int(0));
    expect(h.cmd("INCRBY", "k", "9223372036854775807")).toBe(int(9223372036854775807n));
    expect(h.cmd("GET", "k")).toBe(bulk("9223372036854775807"));
    expect(h.cmd("DECRBY", "k", "9223372036854775807")).toBe(int(0));
    expect(h.cmd("DECRBY", "k", "9223372036854775807")).toBe(int(-9223372036854775807n));
    expect(h.cmd("DECR", "k")).toBe(int(-9223372036854775808n));
    expect(h.cmd("GET", "k")).toBe(bulk("-9223372036854775808"));
  });

  test("overflow is refused and leaves the value", () => {
    const h = new Harness();
    h.cmd("SET", "k", "9223372036854775807");
    expect(h.cmd("INCR", "k")).toBe(OVERFLOW);
    expect(h.cmd("INCRBY", "k", "1")).toBe(OVERFLOW);
    expect(h.cmd("DECRBY", "k", "-1")).toBe(OVERFLOW);
    expect(h.cmd("GET", "k")).toBe(bulk("9223372036854775807"));
    h.cmd("SET", "k", "-9223372036854775808");
    expect(h.cmd("DECR", "k")).toBe(OVERFLOW);
    expect(h.cmd("INCRBY", "k", "-9223372036854775808")).toBe(OVERFLOW);
    h.cmd("SET", "k", "1");
    expect(h.cmd("INCRBY", "k", "9223372036854775807")).toBe(OVERFLOW);
    expect(h.cmd("GET", "k")).toBe(bulk("1"));
    h.cmd("SET", "k", "-2");
    expect(h.cmd("INCRBY", "k", "-9223372036854775807")).toBe(OVERFLOW);
  });

  test("DECRBY of LLONG_MIN", () => {
    const h = new Harness();
    h.cmd("SET", "k", "5");
    expect(h.cmd("DECRBY", "k", "-9223372036854775808")).toBe(err("ERR decrement would overflow"));
    expect(h.cmd("GET", "k")).toBe(bulk("5"));
  });

  test("INCRBY with a big increment on a missing key", () => {
    const h = new Harness();
    expect(h.cmd("INCRBY", "k", "-9223372036854775808")).toBe(int(-9223372036854775808n));
    expect(h.cmd("INCRBY", "j", "9000000000000000000")).toBe(int(9000000000000000000n));
  });

  test("INCR on a value APPEND built", () => {
    const h = new Harness();
    h.cmd("APPEND", "k", "1");
    h.cmd("APPEND", "k", "2");
    expect(h.cmd("INCR", "k")).toBe(int(13));
  });
});

describe("INCRBYFLOAT", () => {
  test("Redis's long double results, byte for byte", () => {
    const h = new Harness();
    h.cmd("SET", "k", "10.1");
    expect(h.cmd("INCRBYFLOAT", "k", "0.2")).toBe(bulk("10.3"));
    expect(h.cmd("GET", "k")).toBe(bulk("10.3"));
    h.cmd("SET", "k", "10000000000.1");
    expect(h.cmd("INCRBYFLOAT", "k", "0")).toBe(bulk("10000000000.09999999962747097"));
    expect(h.cmd("INCRBYFLOAT", "a", "1e30")).toBe(bulk("1000000000000000000024696061952"));
    expect(h.cmd("INCRBYFLOAT", "b", "1e-20")).toBe(bulk("0"));
    expect(h.cmd("INCRBYFLOAT", "c", "0x10")).toBe(bulk("16"));
    expect(h.cmd("INCRBYFLOAT", "d", "0x1p-2")).toBe(bulk("0.25"));
    expect(h.cmd("INCRBYFLOAT", "e", "1e-4940")).toBe(bulk("0"));
    // %.17Lf ties round half to even
    expect(h.cmd("INCRBYFLOAT", "f", "0.000003814697265625")).toBe(bulk("0.00000381469726562"));
    expect(h.cmd("INCRBYFLOAT", "g", "0.000000000000000015")).toBe(bulk("0.00000000000000002"));
    expect(h.cmd("INCRBYFLOAT", "i", "-0.000000000000000001")).toBe(bulk("0"));
    h.cmd("SET", "k", "1.5e3");
    expect(h.cmd("INCRBYFLOAT", "k", "0")).toBe(bulk("1500"));
    h.cmd("SET", "k", "+.5");
    expect(h.cmd("INCRBYFLOAT", "k", "0")).toBe(bulk("0.5"));
    h.cmd("SET", "k", "5.");
    expect(h.cmd("INCRBYFLOAT", "k", "1")).toBe(bulk("6"));
  });

  test("the documented examples", () => {
    const h = new Harness();
    h.cmd("SET", "mykey", "10.50");
    expect(h.cmd("INCRBYFLOAT", "mykey", "0.1")).toBe(bulk("10.6"));
    expect(h.cmd("INCRBYFLOAT", "mykey", "-5")).toBe(bulk("5.6"));
    h.cmd("SET", "mykey", "5.0e3");
    expect(h.cmd("INCRBYFLOAT", "mykey", "2.0e2")).toBe(bulk("5200"));
  });

  test("large magnitudes print in full, as %.17Lf does", () => {
    const h = new Harness();
    const r = h.cmd("INCRBYFLOAT", "k", "1e308");
    expect(r).toBe(
      bulk(
        "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048",
      ),
    );
    expect(h.cmd("INCRBYFLOAT", "k", "1e308")).toBe(
      bulk(
        "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096",
      ),
    );
  });

  test("integers and negatives", () => {
    const h = new Harness();
    expect(h.cmd("INCRBYFLOAT", "k", "3")).toBe(bulk("3"));
    expect(h.cmd("INCRBYFLOAT", "k", "-3.25")).toBe(bulk("-0.25"));
    expect(h.cmd("INCRBYFLOAT", "k", "0.25")).toBe(bulk("0"));
    h.cmd("SET", "n", "9223372036854775807");
    expect(h.cmd("INCRBYFLOAT", "n", "1")).toBe(bulk("9223372036854775808"));
  });

  test("invalid floats", () => {
    const h = new Harness();
    for (const v of ["abc", " 1", "1 ", "", "1e", "0x", "nan", "NaN", "-nan", "1e5000", "-1e5000", "1e-5000", "1.2.3", "--1", "+", "."]) {
      expect(h.cmd("INCRBYFLOAT", "k", v)).toBe(NOT_FLOAT);
    }
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
    h.cmd("SET", "k", "abc");
    expect(h.cmd("INCRBYFLOAT", "k", "1")).toBe(NOT_FLOAT);
    // the stored value is checked before the increment
    expect(h.cmd("INCRBYFLOAT", "k", "x")).toBe(NOT_FLOAT);
    h.cmd("SET", "k", "x".repeat(5120));
    expect(h.cmd("INCRBYFLOAT", "k", "1")).toBe(NOT_FLOAT);
  });

  test("infinity and NaN results", () => {
    const h = new Harness();
    const naninf = err("ERR increment would produce NaN or Infinity");
    expect(h.cmd("INCRBYFLOAT", "k", "inf")).toBe(naninf);
    expect(h.cmd("INCRBYFLOAT", "k", "-INFINITY")).toBe(naninf);
    h.cmd("SET", "k", "inf");
    expect(h.cmd("INCRBYFLOAT", "k", "-inf")).toBe(naninf);
    h.cmd("SET", "k", "1e4932");
    expect(h.cmd("INCRBYFLOAT", "k", "1e4932")).toBe(naninf);
    expect(h.cmd("GET", "k")).toBe(bulk("1e4932"));
  });
});
