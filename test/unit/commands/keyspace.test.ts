import { describe, expect, test } from "bun:test";
import { ItemType } from "../../../src/store/index.ts";
import { arr, bulk, err, Harness, int, NOT_INTEGER, NULL, OK, simple, SYNTAX } from "./harness.ts";

const SAME = err("ERR source and destination objects are the same");
const DB_RANGE = err("ERR DB index is out of range");

describe("DEL, UNLINK", () => {
  test("counts deleted keys, once each", () => {
    const h = new Harness();
    h.cmd("MSET", "a", "1", "b", "2", "c", "3");
    expect(h.cmd("DEL", "a", "b", "x", "a")).toBe(int(2));
    expect(h.cmd("MGET", "a", "b", "c")).toBe(arr(NULL, NULL, bulk("3")));
    expect(h.cmd("UNLINK", "c", "c")).toBe(int(1));
    expect(h.cmd("DEL", "c")).toBe(int(0));
  });

  test("deletes any type; an expired key does not count", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    h.cmd("SET", "e", "v", "PX", "5");
    h.clock.advance(6);
    expect(h.cmd("DEL", "l", "e")).toBe(int(1));
    expect(h.cmd("TYPE", "l")).toBe(simple("none"));
  });

  test("arity", () => {
    const h = new Harness();
    expect(h.cmd("DEL")).toBe(err("ERR wrong number of arguments for 'del' command"));
  });
});

describe("EXISTS, TOUCH, TYPE", () => {
  test("EXISTS counts repeats", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    expect(h.cmd("EXISTS", "a")).toBe(int(1));
    expect(h.cmd("EXISTS", "a", "a", "b", "a")).toBe(int(3));
    expect(h.cmd("EXISTS", "b")).toBe(int(0));
  });

  test("TOUCH counts existing keys", () => {
    const h = new Harness();
    h.cmd("MSET", "a", "1", "b", "2");
    expect(h.cmd("TOUCH", "a", "b", "c")).toBe(int(2));
  });

  test("TYPE names", () => {
    const h = new Harness();
    h.cmd("SET", "s", "v");
    h.setTyped("h", ItemType.Hash);
    h.setTyped("l", ItemType.List);
    h.setTyped("st", ItemType.Set);
    h.setTyped("z", ItemType.ZSet);
    h.setTyped("x", ItemType.Stream);
    expect(h.cmd("TYPE", "s")).toBe(simple("string"));
    expect(h.cmd("TYPE", "h")).toBe(simple("hash"));
    expect(h.cmd("TYPE", "l")).toBe(simple("list"));
    expect(h.cmd("TYPE", "st")).toBe(simple("set"));
    expect(h.cmd("TYPE", "z")).toBe(simple("zset"));
    expect(h.cmd("TYPE", "x")).toBe(simple("stream"));
    expect(h.cmd("TYPE", "none")).toBe(simple("none"));
  });

  test("expired keys do not exist", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1", "PX", "100");
    h.clock.advance(100);
    expect(h.cmd("EXISTS", "a")).toBe(int(1));
    h.clock.advance(1);
    expect(h.cmd("EXISTS", "a")).toBe(int(0));
    expect(h.cmd("TYPE", "a")).toBe(simple("none"));
    expect(h.cmd("TOUCH", "a")).toBe(int(0));
  });
});

describe("RENAME, RENAMENX", () => {
  test("moves the value and its expiry, replacing the target", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1", "EX", "100");
    h.cmd("SET", "b", "2");
    expect(h.cmd("RENAME", "a", "b")).toBe(OK);
    expect(h.cmd("GET", "b")).toBe(bulk("1"));
    expect(h.cmd("TTL", "b")).toBe(int(100));
    expect(h.cmd("EXISTS", "a")).toBe(int(0));
  });

  test("a target's expiry does not survive", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    h.cmd("SET", "b", "2", "EX", "100");
    expect(h.cmd("RENAME", "a", "b")).toBe(OK);
    expect(h.cmd("TTL", "b")).toBe(int(-1));
  });

  test("missing source", () => {
    const h = new Harness();
    expect(h.cmd("RENAME", "x", "y")).toBe(err("ERR no such key"));
    expect(h.cmd("RENAMENX", "x", "y")).toBe(err("ERR no such key"));
    expect(h.cmd("RENAME", "x", "x")).toBe(err("ERR no such key"));
  });

  test("same key", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    expect(h.cmd("RENAME", "a", "a")).toBe(OK);
    expect(h.cmd("RENAMENX", "a", "a")).toBe(int(0));
    expect(h.cmd("GET", "a")).toBe(bulk("1"));
  });

  test("RENAMENX", () => {
    const h = new Harness();
    h.cmd("MSET", "a", "1", "b", "2");
    expect(h.cmd("RENAMENX", "a", "b")).toBe(int(0));
    expect(h.cmd("MGET", "a", "b")).toBe(arr(bulk("1"), bulk("2")));
    expect(h.cmd("RENAMENX", "a", "c")).toBe(int(1));
    expect(h.cmd("MGET", "a", "c")).toBe(arr(NULL, bulk("1")));
  });

  test("other types", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    expect(h.cmd("RENAME", "l", "m")).toBe(OK);
    expect(h.cmd("TYPE", "m")).toBe(simple("list"));
  });
});

describe("COPY", () => {
  test("copies value and expiry", () => {
    const h = new Harness();
    h.cmd("SET", "a", "v", "EX", "100");
    expect(h.cmd("COPY", "a", "b")).toBe(int(1));
    expect(h.cmd("GET", "b")).toBe(bulk("v"));
    expect(h.cmd("TTL", "b")).toBe(int(100));
    expect(h.cmd("GET", "a")).toBe(bulk("v"));
  });

  test("REPLACE and an existing target", () => {
    const h = new Harness();
    h.cmd("MSET", "a", "1", "b", "2");
    expect(h.cmd("COPY", "a", "b")).toBe(int(0));
    expect(h.cmd("GET", "b")).toBe(bulk("2"));
    expect(h.cmd("COPY", "a", "b", "REPLACE")).toBe(int(1));
    expect(h.cmd("GET", "b")).toBe(bulk("1"));
  });

  test("DB", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    expect(h.cmd("COPY", "a", "a", "DB", "1")).toBe(int(1));
    expect(h.cmd("COPY", "a", "b", "db", "2", "replace")).toBe(int(1));
    h.select(1);
    expect(h.cmd("GET", "a")).toBe(bulk("1"));
    h.select(2);
    expect(h.cmd("GET", "b")).toBe(bulk("1"));
    h.select(0);
    expect(h.cmd("COPY", "a", "b", "DB", "0")).toBe(int(1));
  });

  test("missing source", () => {
    const h = new Harness();
    expect(h.cmd("COPY", "x", "y")).toBe(int(0));
  });

  test("errors", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    expect(h.cmd("COPY", "a", "a")).toBe(SAME);
    expect(h.cmd("COPY", "a", "a", "DB", "0")).toBe(SAME);
    expect(h.cmd("COPY", "x", "x")).toBe(SAME);
    expect(h.cmd("COPY", "a", "b", "DB", "16")).toBe(DB_RANGE);
    expect(h.cmd("COPY", "a", "b", "DB", "-1")).toBe(DB_RANGE);
    expect(h.cmd("COPY", "a", "b", "DB", "x")).toBe(NOT_INTEGER);
    expect(h.cmd("COPY", "a", "b", "DB", "4294967296")).toBe(NOT_INTEGER);
    expect(h.cmd("COPY", "a", "b", "DB")).toBe(SYNTAX);
    expect(h.cmd("COPY", "a", "b", "FOO")).toBe(SYNTAX);
    expect(h.cmd("EXISTS", "b")).toBe(int(0));
  });
});

describe("MOVE", () => {
  test("moves to another db with its expiry", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1", "EX", "100");
    expect(h.cmd("MOVE", "a", "1")).toBe(int(1));
    expect(h.cmd("EXISTS", "a")).toBe(int(0));
    h.select(1);
    expect(h.cmd("GET", "a")).toBe(bulk("1"));
    expect(h.cmd("TTL", "a")).toBe(int(100));
  });

  test("missing key or existing target: 0", () => {
    const h = new Harness();
    expect(h.cmd("MOVE", "x", "1")).toBe(int(0));
    h.cmd("SET", "a", "0");
    h.select(1);
    h.cmd("SET", "a", "1");
    h.select(0);
    expect(h.cmd("MOVE", "a", "1")).toBe(int(0));
    expect(h.cmd("GET", "a")).toBe(bulk("0"));
  });

  test("errors", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    expect(h.cmd("MOVE", "a", "0")).toBe(SAME);
    expect(h.cmd("MOVE", "x", "0")).toBe(SAME);
    expect(h.cmd("MOVE", "a", "16")).toBe(DB_RANGE);
    expect(h.cmd("MOVE", "a", "x")).toBe(NOT_INTEGER);
  });
});

describe("SWAPDB", () => {
  test("swaps contents", () => {
    const h = new Harness();
    h.cmd("SET", "a", "zero");
    h.select(1);
    h.cmd("SET", "b", "one");
    expect(h.cmd("SWAPDB", "0", "1")).toBe(OK);
    expect(h.cmd("GET", "a")).toBe(bulk("zero"));
    expect(h.cmd("GET", "b")).toBe(NULL);
    h.select(0);
    expect(h.cmd("GET", "b")).toBe(bulk("one"));
    expect(h.cmd("SWAPDB", "3", "3")).toBe(OK);
  });

  test("errors", () => {
    const h = new Harness();
    expect(h.cmd("SWAPDB", "x", "0")).toBe(err("ERR invalid first DB index"));
    expect(h.cmd("SWAPDB", "0", "x")).toBe(err("ERR invalid second DB index"));
    expect(h.cmd("SWAPDB", "x", "y")).toBe(err("ERR invalid first DB index"));
    expect(h.cmd("SWAPDB", "0", "16")).toBe(DB_RANGE);
    expect(h.cmd("SWAPDB", "-1", "0")).toBe(DB_RANGE);
    expect(h.cmd("SWAPDB", "0", "99999999999")).toBe(err("ERR invalid second DB index"));
  });
});
