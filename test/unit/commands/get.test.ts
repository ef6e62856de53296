import { describe, expect, test } from "bun:test";
import { ItemType } from "../../../src/store/index.ts";
import { arr, bulk, err, Harness, int, NOT_INTEGER, NULL, OK, SYNTAX, WRONGTYPE } from "./harness.ts";

const NOW = 1_700_000_000_000;

describe("GET", () => {
  test("missing, present, wrong type", () => {
    const h = new Harness();
    expect(h.cmd("GET", "k")).toBe(NULL);
    h.cmd("SET", "k", "hello");
    expect(h.cmd("GET", "k")).toBe(bulk("hello"));
    h.setTyped("l", ItemType.List);
    expect(h.cmd("GET", "l")).toBe(WRONGTYPE);
  });

  test("RESP3 null", () => {
    const h = new Harness({ proto: 3 });
    expect(h.cmd("GET", "k")).toBe("_\r\n");
  });

  test("databases are separate", () => {
    const h = new Harness();
    h.cmd("SET", "k", "zero");
    h.select(1);
    expect(h.cmd("GET", "k")).toBe(NULL);
    h.cmd("SET", "k", "one");
    h.select(0);
    expect(h.cmd("GET", "k")).toBe(bulk("zero"));
  });

  test("arity", () => {
    const h = new Harness();
    expect(h.cmd("GET")).toBe(err("ERR wrong number of arguments for 'get' command"));
    expect(h.cmd("GET", "a", "b")).toBe(err("ERR wrong number of arguments for 'get' command"));
  });
});

describe("GETDEL", () => {
  test("returns and deletes", () => {
    const h = new Harness();
    expect(h.cmd("GETDEL", "k")).toBe(NULL);
    h.cmd("SET", "k", "v", "EX", "100");
    expect(h.cmd("GETDEL", "k")).toBe(bulk("v"));
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
    expect(h.cmd("GETDEL", "k")).toBe(NULL);
  });

  test("wrong type is left alone", () => {
    const h = new Harness();
    h.setTyped("s", ItemType.Set);
    expect(h.cmd("GETDEL", "s")).toBe(WRONGTYPE);
    expect(h.cmd("EXISTS", "s")).toBe(int(1));
  });
});

describe("GETSET", () => {
  test("returns the old value and clears the expiry", () => {
    const h = new Harness();
    expect(h.cmd("GETSET", "k", "a")).toBe(NULL);
    expect(h.cmd("GET", "k")).toBe(bulk("a"));
    h.cmd("EXPIRE", "k", "100");
    expect(h.cmd("GETSET", "k", "b")).toBe(bulk("a"));
    expect(h.cmd("GET", "k")).toBe(bulk("b"));
    expect(h.cmd("TTL", "k")).toBe(int(-1));
  });

  test("wrong type", () => {
    const h = new Harness();
    h.setTyped("z", ItemType.ZSet);
    expect(h.cmd("GETSET", "z", "v")).toBe(WRONGTYPE);
    expect(h.cmd("TYPE", "z")).toBe("+zset\r\n");
  });
});

describe("GETEX", () => {
  test("without options is GET", () => {
    const h = new Harness();
    expect(h.cmd("GETEX", "k")).toBe(NULL);
    h.cmd("SET", "k", "v", "EX", "100");
    expect(h.cmd("GETEX", "k")).toBe(bulk("v"));
    expect(h.cmd("TTL", "k")).toBe(int(100));
  });

  test("EX, PX, EXAT, PXAT", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v");
    expect(h.cmd("GETEX", "k", "EX", "10")).toBe(bulk("v"));
    expect(h.cmd("PTTL", "k")).toBe(int(10_000));
    expect(h.cmd("GETEX", "k", "px", "500")).toBe(bulk("v"));
    expect(h.cmd("PTTL", "k")).toBe(int(500));
    expect(h.cmd("GETEX", "k", "EXAT", String(NOW / 1000 + 7))).toBe(bulk("v"));
    expect(h.cmd("PTTL", "k")).toBe(int(7000));
    expect(h.cmd("GETEX", "k", "PXAT", String(NOW + 42))).toBe(bulk("v"));
    expect(h.cmd("PTTL", "k")).toBe(int(42));
  });

  test("PERSIST", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v", "EX", "100");
    expect(h.cmd("GETEX", "k", "PERSIST")).toBe(bulk("v"));
    expect(h.cmd("TTL", "k")).toBe(int(-1));
    expect(h.cmd("GETEX", "k", "persist", "persist")).toBe(bulk("v"));
    expect(h.cmd("TTL", "k")).toBe(int(-1));
  });

  test("EXAT / PXAT in the past delete the key after answering", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v");
    expect(h.cmd("GETEX", "k", "EXAT", "1")).toBe(bulk("v"));
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
    h.cmd("SET", "k", "v");
    expect(h.cmd("GETEX", "k", "PXAT", String(NOW))).toBe(bulk("v"));
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
  });

  test("option syntax is checked before the key", () => {
    const h = new Harness();
    for (const args of [["NX"], ["XX"], ["GET"], ["KEEPTTL"], ["EX"], ["PERSIST", "EX", "10"], ["EX", "10", "PERSIST"], ["EX", "1", "PX", "1"], ["FOO"]]) {
      expect(h.cmd("GETEX", "missing", ...args)).toBe(SYNTAX);
    }
  });

  test("the key is checked before the expiry value", () => {
    const h = new Harness();
    expect(h.cmd("GETEX", "missing", "EX", "-1")).toBe(NULL);
    expect(h.cmd("GETEX", "missing", "EX", "abc")).toBe(NULL);
    h.setTyped("l", ItemType.List);
    expect(h.cmd("GETEX", "l", "EX", "-1")).toBe(WRONGTYPE);
    h.cmd("SET", "k", "v", "EX", "100");
    expect(h.cmd("GETEX", "k", "EX", "0")).toBe(err("ERR invalid expire time in 'getex' command"));
    expect(h.cmd("GETEX", "k", "PXAT", "-1")).toBe(err("ERR invalid expire time in 'getex' command"));
    expect(h.cmd("GETEX", "k", "EX", "x")).toBe(NOT_INTEGER);
    expect(h.cmd("GETEX", "k", "EX", "9223372036854775807")).toBe(err("ERR invalid expire time in 'getex' command"));
    expect(h.cmd("TTL", "k")).toBe(int(100));
  });
});

describe("MGET", () => {
  test("mixed keys, wrong types are nil", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    h.cmd("SET", "c", "3");
    h.setTyped("l", ItemType.List);
    expect(h.cmd("MGET", "a", "b", "c", "l", "a")).toBe(arr(bulk("1"), NULL, bulk("3"), NULL, bulk("1")));
  });

  test("RESP3 nulls inside the array", () => {
    const h = new Harness({ proto: 3 });
    expect(h.cmd("MGET", "x", "y")).toBe("*2\r\n_\r\n_\r\n");
  });
});

describe("MSET, MSETNX", () => {
  test("MSET sets all and clears expiries", () => {
    const h = new Harness();
    h.cmd("SET", "a", "old", "EX", "10");
    expect(h.cmd("MSET", "a", "1", "b", "2")).toBe(OK);
    expect(h.cmd("MGET", "a", "b")).toBe(arr(bulk("1"), bulk("2")));
    expect(h.cmd("TTL", "a")).toBe(int(-1));
  });

  test("MSET with a repeated key keeps the last value", () => {
    const h = new Harness();
    expect(h.cmd("MSET", "a", "1", "a", "2")).toBe(OK);
    expect(h.cmd("GET", "a")).toBe(bulk("2"));
  });

  test("MSET overwrites other types", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    expect(h.cmd("MSET", "l", "v")).toBe(OK);
    expect(h.cmd("GET", "l")).toBe(bulk("v"));
  });

  test("odd argument counts", () => {
    const h = new Harness();
    expect(h.cmd("MSET", "a")).toBe(err("ERR wrong number of arguments for 'mset' command"));
    expect(h.cmd("MSET", "a", "1", "b")).toBe(err("ERR wrong number of arguments for 'mset' command"));
    expect(h.cmd("MSETNX", "a", "1", "b")).toBe(err("ERR wrong number of arguments for 'msetnx' command"));
    expect(h.cmd("EXISTS", "a")).toBe(int(0));
  });

  test("MSETNX is all or nothing", () => {
    const h = new Harness();
    expect(h.cmd("MSETNX", "a", "1", "b", "2")).toBe(int(1));
    expect(h.cmd("MSETNX", "c", "3", "b", "9")).toBe(int(0));
    expect(h.cmd("MGET", "a", "b", "c")).toBe(arr(bulk("1"), bulk("2"), NULL));
    expect(h.cmd("MSETNX", "x", "1", "x", "2")).toBe(int(1));
    expect(h.cmd("GET", "x")).toBe(bulk("2"));
    h.setTyped("l", ItemType.List);
    expect(h.cmd("MSETNX", "l", "1", "y", "1")).toBe(int(0));
  });
});
