import { describe, expect, test } from "bun:test";
import { ItemType } from "../../../src/store/index.ts";
import { bulk, err, Harness, int, NOT_INTEGER, NULL } from "./harness.ts";

const NOW = 1_700_000_000_000;

describe("EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT", () => {
  test("set expiries in each unit", () => {
    const h = new Harness();
    h.cmd("MSET", "a", "1", "b", "2", "c", "3", "d", "4");
    expect(h.cmd("EXPIRE", "a", "100")).toBe(int(1));
    expect(h.cmd("PEXPIRE", "b", "1500")).toBe(int(1));
    expect(h.cmd("EXPIREAT", "c", String(NOW / 1000 + 30))).toBe(int(1));
    expect(h.cmd("PEXPIREAT", "d", String(NOW + 777))).toBe(int(1));
    expect(h.cmd("PTTL", "a")).toBe(int(100_000));
    expect(h.cmd("PTTL", "b")).toBe(int(1500));
    expect(h.cmd("PTTL", "c")).toBe(int(30_000));
    expect(h.cmd("PTTL", "d")).toBe(int(777));
    expect(h.cmd("EXPIRETIME", "c")).toBe(int(NOW / 1000 + 30));
    expect(h.cmd("PEXPIRETIME", "d")).toBe(int(NOW + 777));
  });

  test("missing key: 0", () => {
    const h = new Harness();
    expect(h.cmd("EXPIRE", "x", "100")).toBe(int(0));
    expect(h.cmd("PEXPIREAT", "x", "1")).toBe(int(0));
  });

  test("works on any type", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    expect(h.cmd("EXPIRE", "l", "10")).toBe(int(1));
    expect(h.cmd("TTL", "l")).toBe(int(10));
  });

  test("zero, negative and past times delete the key and answer 1", () => {
    const h = new Harness();
    h.cmd("MSET", "a", "1", "b", "2", "c", "3", "d", "4");
    expect(h.cmd("EXPIRE", "a", "0")).toBe(int(1));
    expect(h.cmd("PEXPIRE", "b", "-1")).toBe(int(1));
    expect(h.cmd("EXPIREAT", "c", "1")).toBe(int(1));
    expect(h.cmd("PEXPIREAT", "d", String(NOW))).toBe(int(1));
    expect(h.cmd("EXISTS", "a", "b", "c", "d")).toBe(int(0));
    h.cmd("SET", "e", "5");
    expect(h.cmd("EXPIRE", "e", "-9223372036854775")).toBe(int(1));
    expect(h.cmd("EXISTS", "e")).toBe(int(0));
  });

  test("the key expires on the clock", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    h.cmd("PEXPIRE", "a", "50");
    h.clock.advance(50);
    expect(h.cmd("GET", "a")).toBe(bulk("1"));
    h.clock.advance(1);
    expect(h.cmd("GET", "a")).toBe(NULL);
    expect(h.cmd("EXPIRE", "a", "10")).toBe(int(0));
  });

  test("overflow and bad values", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v");
    expect(h.cmd("EXPIRE", "k", "9223372036854775")).toBe(err("ERR invalid expire time in 'expire' command"));
    expect(h.cmd("EXPIRE", "k", "9223372036854776")).toBe(err("ERR invalid expire time in 'expire' command"));
    expect(h.cmd("EXPIRE", "k", "-9223372036854776")).toBe(err("ERR invalid expire time in 'expire' command"));
    expect(h.cmd("PEXPIRE", "k", "9223372036854775807")).toBe(err("ERR invalid expire time in 'pexpire' command"));
    expect(h.cmd("EXPIREAT", "k", "9223372036854776")).toBe(err("ERR invalid expire time in 'expireat' command"));
    expect(h.cmd("EXPIRE", "k", "abc")).toBe(NOT_INTEGER);
    expect(h.cmd("EXPIRE", "k", "1.5")).toBe(NOT_INTEGER);
    expect(h.cmd("EXPIRE", "k", "")).toBe(NOT_INTEGER);
    expect(h.cmd("TTL", "k")).toBe(int(-1));
    // the overflow is found even for a missing key
    expect(h.cmd("PEXPIRE", "x", "9223372036854775807")).toBe(err("ERR invalid expire time in 'pexpire' command"));
  });

  test("PEXPIREAT at the int64 limit", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v");
    expect(h.cmd("PEXPIREAT", "k", "9223372036854775807")).toBe(int(1));
    expect(h.cmd("EXISTS", "k")).toBe(int(1));
  });

  test("option errors come first, in Redis's order", () => {
    const h = new Harness();
    const nxErr = err("ERR NX and XX, GT or LT options at the same time are not compatible");
    expect(h.cmd("EXPIRE", "x", "10", "NX", "XX")).toBe(nxErr);
    expect(h.cmd("EXPIRE", "x", "10", "nx", "gt")).toBe(nxErr);
    expect(h.cmd("EXPIRE", "x", "10", "LT", "NX")).toBe(nxErr);
    expect(h.cmd("EXPIRE", "x", "10", "GT", "LT")).toBe(err("ERR GT and LT options at the same time are not compatible"));
    expect(h.cmd("EXPIRE", "x", "abc", "NX")).toBe(NOT_INTEGER);
    expect(h.cmd("EXPIRE", "x", "abc", "foo")).toBe(err("ERR Unsupported option foo"));
    expect(h.cmd("PEXPIRE", "x", "10", "XX", "Bar")).toBe(err("ERR Unsupported option Bar"));
    expect(h.cmd("EXPIRE", "x", "10", "xx", "xx")).toBe(int(0));
  });

  test("NX, XX, GT, LT", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v");
    expect(h.cmd("EXPIRE", "k", "100", "XX")).toBe(int(0));
    expect(h.cmd("EXPIRE", "k", "100", "GT")).toBe(int(0));
    expect(h.cmd("EXPIRE", "k", "100", "LT")).toBe(int(1));
    expect(h.cmd("TTL", "k")).toBe(int(100));
    expect(h.cmd("EXPIRE", "k", "50", "NX")).toBe(int(0));
    expect(h.cmd("EXPIRE", "k", "50", "GT")).toBe(int(0));
    expect(h.cmd("EXPIRE", "k", "100", "GT")).toBe(int(0));
    expect(h.cmd("EXPIRE", "k", "200", "gt")).toBe(int(1));
    expect(h.cmd("EXPIRE", "k", "300", "LT")).toBe(int(0));
    expect(h.cmd("EXPIRE", "k", "200", "LT")).toBe(int(0));
    expect(h.cmd("EXPIRE", "k", "150", "lt")).toBe(int(1));
    expect(h.cmd("TTL", "k")).toBe(int(150));
    expect(h.cmd("EXPIRE", "k", "10", "XX", "LT")).toBe(int(1));
    expect(h.cmd("EXPIRE", "k", "20", "XX", "GT")).toBe(int(1));
    expect(h.cmd("TTL", "k")).toBe(int(20));
    h.cmd("PERSIST", "k");
    expect(h.cmd("EXPIRE", "k", "10", "NX")).toBe(int(1));
    expect(h.cmd("TTL", "k")).toBe(int(10));
  });

  test("LT with a past time deletes; XX on a key without expiry does not", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v");
    expect(h.cmd("EXPIRE", "k", "-1", "XX")).toBe(int(0));
    expect(h.cmd("EXISTS", "k")).toBe(int(1));
    expect(h.cmd("EXPIRE", "k", "-1", "LT")).toBe(int(1));
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
  });
});

describe("TTL, PTTL, EXPIRETIME, PEXPIRETIME", () => {
  test("-2 missing, -1 no expiry", () => {
    const h = new Harness();
    for (const c of ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]) expect(h.cmd(c, "x")).toBe(int(-2));
    h.cmd("SET", "k", "v");
    for (const c of ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]) expect(h.cmd(c, "k")).toBe(int(-1));
  });

  test("TTL rounds to the nearest second", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v", "PX", "10000");
    h.clock.advance(501);
    expect(h.cmd("PTTL", "k")).toBe(int(9499));
    expect(h.cmd("TTL", "k")).toBe(int(9));
    h.clock.advance(-2);
    expect(h.cmd("TTL", "k")).toBe(int(10));
    h.cmd("SET", "k", "v", "PX", "499");
    expect(h.cmd("TTL", "k")).toBe(int(0));
    h.cmd("SET", "k", "v", "PX", "500");
    expect(h.cmd("TTL", "k")).toBe(int(1));
  });

  test("at the expiry millisecond the TTL is 0", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v", "PX", "10");
    h.clock.advance(10);
    expect(h.cmd("PTTL", "k")).toBe(int(0));
    expect(h.cmd("TTL", "k")).toBe(int(0));
  });

  test("EXPIRETIME rounds the absolute time", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v", "PXAT", String(NOW + 1499));
    expect(h.cmd("EXPIRETIME", "k")).toBe(int(NOW / 1000 + 1));
    h.cmd("SET", "k", "v", "PXAT", String(NOW + 1500));
    expect(h.cmd("EXPIRETIME", "k")).toBe(int(NOW / 1000 + 2));
  });
});

describe("PERSIST", () => {
  test("removes an expiry", () => {
    const h = new Harness();
    expect(h.cmd("PERSIST", "x")).toBe(int(0));
    h.cmd("SET", "k", "v");
    expect(h.cmd("PERSIST", "k")).toBe(int(0));
    h.cmd("EXPIRE", "k", "10");
    expect(h.cmd("PERSIST", "k")).toBe(int(1));
    expect(h.cmd("TTL", "k")).toBe(int(-1));
    expect(h.cmd("PERSIST", "k")).toBe(int(0));
    h.clock.advance(20_000);
    expect(h.cmd("GET", "k")).toBe(bulk("v"));
  });
});
