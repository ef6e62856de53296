import { describe, expect, test } from "bun:test";
import { ItemType } from "../../../src/store/index.ts";
import { bulk, err, Harness, int, NOT_INTEGER, NULL, OK, SYNTAX, WRONGTYPE } from "./harness.ts";

const NOW = 1_700_000_000_000;

describe("SET", () => {
  test("sets and overwrites", () => {
    const h = new Harness();
    expect(h.cmd("SET", "k", "v")).toBe(OK);
    expect(h.cmd("GET", "k")).toBe(bulk("v"));
    expect(h.cmd("set", "k", "w")).toBe(OK);
    expect(h.cmd("GET", "k")).toBe(bulk("w"));
  });

  test("empty and binary values", () => {
    const h = new Harness();
    expect(h.cmd("SET", "k", "")).toBe(OK);
    expect(h.cmd("GET", "k")).toBe("$0\r\n\r\n");
    const bin = new Uint8Array([0, 13, 10, 255, 36]);
    expect(h.cmd("SET", bin, bin)).toBe(OK);
    expect(h.cmd("GET", bin)).toBe("$5\r\n\x00\r\n\xff$\r\n");
  });

  test("overwrites a key of another type", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    expect(h.cmd("SET", "l", "v")).toBe(OK);
    expect(h.cmd("GET", "l")).toBe(bulk("v"));
  });

  test("NX and XX", () => {
    const h = new Harness();
    expect(h.cmd("SET", "k", "1", "XX")).toBe(NULL);
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
    expect(h.cmd("SET", "k", "1", "NX")).toBe(OK);
    expect(h.cmd("SET", "k", "2", "nx")).toBe(NULL);
    expect(h.cmd("GET", "k")).toBe(bulk("1"));
    expect(h.cmd("SET", "k", "3", "xx")).toBe(OK);
    expect(h.cmd("GET", "k")).toBe(bulk("3"));
    expect(h.cmd("SET", "k", "3", "NX", "NX")).toBe(NULL);
    expect(h.cmd("SET", "k", "3", "NX", "XX")).toBe(SYNTAX);
    expect(h.cmd("SET", "k", "3", "XX", "NX")).toBe(SYNTAX);
  });

  test("EX, PX, EXAT, PXAT set the expiry", () => {
    const h = new Harness();
    expect(h.cmd("SET", "k", "v", "EX", "10")).toBe(OK);
    expect(h.cmd("PTTL", "k")).toBe(int(10_000));
    expect(h.cmd("SET", "k", "v", "px", "1500")).toBe(OK);
    expect(h.cmd("PTTL", "k")).toBe(int(1500));
    expect(h.cmd("SET", "k", "v", "EXAT", String(NOW / 1000 + 100))).toBe(OK);
    expect(h.cmd("PEXPIRETIME", "k")).toBe(int(NOW + 100_000));
    expect(h.cmd("SET", "k", "v", "PXAT", String(NOW + 1234))).toBe(OK);
    expect(h.cmd("PEXPIRETIME", "k")).toBe(int(NOW + 1234));
    // live through its expiry millisecond (Redis's keyIsExpired: now > when), gone after
    h.clock.advance(1234);
    expect(h.cmd("GET", "k")).toBe(bulk("v"));
    h.clock.advance(1);
    expect(h.cmd("GET", "k")).toBe(NULL);
  });

  test("a repeated expiry option: the last one wins", () => {
    const h = new Harness();
    expect(h.cmd("SET", "k", "v", "EX", "10", "EX", "20")).toBe(OK);
    expect(h.cmd("TTL", "k")).toBe(int(20));
    expect(h.cmd("SET", "k", "v", "PX", "100", "PX", "200")).toBe(OK);
    expect(h.cmd("PTTL", "k")).toBe(int(200));
  });

  test("a plain SET clears the expiry; KEEPTTL keeps it", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v", "EX", "100");
    expect(h.cmd("SET", "k", "w", "KEEPTTL")).toBe(OK);
    expect(h.cmd("TTL", "k")).toBe(int(100));
    expect(h.cmd("GET", "k")).toBe(bulk("w"));
    expect(h.cmd("SET", "k", "x")).toBe(OK);
    expect(h.cmd("TTL", "k")).toBe(int(-1));
    expect(h.cmd("SET", "n", "x", "KEEPTTL")).toBe(OK);
    expect(h.cmd("TTL", "n")).toBe(int(-1));
  });

  test("conflicting expiry options are a syntax error", () => {
    const h = new Harness();
    for (const args of [
      ["EX", "10", "PX", "10"],
      ["PX", "10", "EX", "10"],
      ["EX", "10", "EXAT", "10"],
      ["PXAT", "10", "EXAT", "10"],
      ["KEEPTTL", "EX", "10"],
      ["EX", "10", "KEEPTTL"],
      ["PXAT", "10", "KEEPTTL"],
      ["EX"],
      ["PX"],
      ["NX", "EX"],
      ["PERSIST"],
      ["FOO"],
      ["GETX"],
      ["E"],
    ]) {
      expect(h.cmd("SET", "k", "v", ...args)).toBe(SYNTAX);
    }
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
  });

  test("invalid expire times", () => {
    const h = new Harness();
    const invalid = err("ERR invalid expire time in 'set' command");
    expect(h.cmd("SET", "k", "v", "EX", "0")).toBe(invalid);
    expect(h.cmd("SET", "k", "v", "EX", "-1")).toBe(invalid);
    expect(h.cmd("SET", "k", "v", "PX", "0")).toBe(invalid);
    expect(h.cmd("SET", "k", "v", "EXAT", "0")).toBe(invalid);
    expect(h.cmd("SET", "k", "v", "PXAT", "-5")).toBe(invalid);
    // seconds * 1000 would overflow int64
    expect(h.cmd("SET", "k", "v", "EX", "9223372036854776")).toBe(invalid);
    // fits after * 1000 but not after adding now
    expect(h.cmd("SET", "k", "v", "EX", "9223372036854775")).toBe(invalid);
    expect(h.cmd("SET", "k", "v", "PX", "9223372036854775807")).toBe(invalid);
    expect(h.cmd("SET", "k", "v", "EX", "abc")).toBe(NOT_INTEGER);
    expect(h.cmd("SET", "k", "v", "EX", "10.5")).toBe(NOT_INTEGER);
    expect(h.cmd("SET", "k", "v", "EX", "99999999999999999999")).toBe(NOT_INTEGER);
    expect(h.cmd("SET", "k", "v", "EX", " 1")).toBe(NOT_INTEGER);
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
  });

  test("PXAT at the int64 limit is accepted", () => {
    const h = new Harness();
    expect(h.cmd("SET", "k", "v", "PXAT", "9223372036854775807")).toBe(OK);
    expect(h.cmd("GET", "k")).toBe(bulk("v"));
    expect(h.cmd("EXISTS", "k")).toBe(int(1));
  });

  test("EXAT/PXAT in the past: OK, and the key is gone", () => {
    const h = new Harness();
    h.cmd("SET", "k", "old");
    expect(h.cmd("SET", "k", "v", "EXAT", "1")).toBe(OK);
    expect(h.cmd("GET", "k")).toBe(NULL);
    // expiring exactly now counts as already expired (Redis 7.2's checkAlreadyExpired)
    expect(h.cmd("SET", "k", "v", "PXAT", String(NOW))).toBe(OK);
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
    h.clock.advance(1);
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
    expect(h.cmd("SET", "k", "v", "PXAT", String(NOW + 1), "GET")).toBe(NULL);
    expect(h.cmd("SET", "k", "w", "EXAT", "1", "GET")).toBe(NULL);
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
  });

  test("the expiry is validated before NX/XX and GET", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    expect(h.cmd("SET", "l", "v", "GET", "EX", "0")).toBe(err("ERR invalid expire time in 'set' command"));
  });

  test("GET returns the old value", () => {
    const h = new Harness();
    expect(h.cmd("SET", "k", "v1", "GET")).toBe(NULL);
    expect(h.cmd("SET", "k", "v2", "GET")).toBe(bulk("v1"));
    expect(h.cmd("SET", "k", "v3", "get", "get")).toBe(bulk("v2"));
    expect(h.cmd("GET", "k")).toBe(bulk("v3"));
  });

  test("GET with NX (allowed since 7.0) and XX", () => {
    const h = new Harness();
    expect(h.cmd("SET", "k", "v1", "NX", "GET")).toBe(NULL);
    expect(h.cmd("GET", "k")).toBe(bulk("v1"));
    expect(h.cmd("SET", "k", "v2", "NX", "GET")).toBe(bulk("v1"));
    expect(h.cmd("GET", "k")).toBe(bulk("v1"));
    expect(h.cmd("SET", "x", "v", "XX", "GET")).toBe(NULL);
    expect(h.cmd("EXISTS", "x")).toBe(int(0));
    expect(h.cmd("SET", "k", "v3", "GET", "XX")).toBe(bulk("v1"));
    expect(h.cmd("GET", "k")).toBe(bulk("v3"));
  });

  test("GET on a wrong type: WRONGTYPE and nothing written", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    expect(h.cmd("SET", "l", "v", "GET")).toBe(WRONGTYPE);
    expect(h.cmd("TYPE", "l")).toBe("+list\r\n");
  });

  test("GET with KEEPTTL and EX", () => {
    const h = new Harness();
    h.cmd("SET", "k", "a", "EX", "50");
    expect(h.cmd("SET", "k", "b", "KEEPTTL", "GET")).toBe(bulk("a"));
    expect(h.cmd("TTL", "k")).toBe(int(50));
    expect(h.cmd("SET", "k", "c", "GET", "PX", "5")).toBe(bulk("b"));
    expect(h.cmd("PTTL", "k")).toBe(int(5));
  });

  test("arity", () => {
    const h = new Harness();
    expect(h.cmd("SET", "k")).toBe(err("ERR wrong number of arguments for 'set' command"));
  });
});

describe("SETNX, SETEX, PSETEX", () => {
  test("SETNX answers 1 / 0", () => {
    const h = new Harness();
    expect(h.cmd("SETNX", "k", "a")).toBe(int(1));
    expect(h.cmd("SETNX", "k", "b")).toBe(int(0));
    expect(h.cmd("GET", "k")).toBe(bulk("a"));
    h.setTyped("l", ItemType.List);
    expect(h.cmd("SETNX", "l", "b")).toBe(int(0));
  });

  test("SETNX on an expired key sets it", () => {
    const h = new Harness();
    h.cmd("SET", "k", "a", "PX", "10");
    h.clock.advance(11);
    expect(h.cmd("SETNX", "k", "b")).toBe(int(1));
    expect(h.cmd("GET", "k")).toBe(bulk("b"));
    expect(h.cmd("TTL", "k")).toBe(int(-1));
  });

  test("SETEX and PSETEX", () => {
    const h = new Harness();
    expect(h.cmd("SETEX", "k", "10", "v")).toBe(OK);
    expect(h.cmd("PTTL", "k")).toBe(int(10_000));
    expect(h.cmd("GET", "k")).toBe(bulk("v"));
    expect(h.cmd("PSETEX", "k", "250", "w")).toBe(OK);
    expect(h.cmd("PTTL", "k")).toBe(int(250));
    h.clock.advance(251);
    expect(h.cmd("GET", "k")).toBe(NULL);
  });

  test("SETEX / PSETEX errors name the command", () => {
    const h = new Harness();
    expect(h.cmd("SETEX", "k", "0", "v")).toBe(err("ERR invalid expire time in 'setex' command"));
    expect(h.cmd("PSETEX", "k", "-1", "v")).toBe(err("ERR invalid expire time in 'psetex' command"));
    expect(h.cmd("SETEX", "k", "abc", "v")).toBe(NOT_INTEGER);
    expect(h.cmd("SETEX", "k", "9223372036854775807", "v")).toBe(err("ERR invalid expire time in 'setex' command"));
    expect(h.cmd("SETEX", "k", "10")).toBe(err("ERR wrong number of arguments for 'setex' command"));
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
  });

  test("SETEX overwrites another type", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.Hash);
    expect(h.cmd("SETEX", "l", "5", "v")).toBe(OK);
    expect(h.cmd("TYPE", "l")).toBe("+string\r\n");
  });
});

describe("store failures", () => {
  test("a value over max_value_size is refused with Redis's size error", () => {
    const h = new Harness({ maxValueSizeBytes: 1024 });
    const big = "x".repeat(4096);
    const reply = h.cmd("SET", "k", big);
    expect(reply.startsWith("-")).toBe(true);
    expect(h.cmd("EXISTS", "k")).toBe(int(0));
  });

  test("noeviction OOM: the error, and SET GET's old value is not half-sent", () => {
    const h = new Harness({ heapSizeBytes: 4 * 1024 * 1024, segmentSizeBytes: 1024 * 1024, maxValueSizeBytes: 512 * 1024, eviction: "noeviction" });
    const v = "v".repeat(100 * 1024);
    let oom = "";
    for (let i = 0; i < 200 && oom === ""; i++) {
      const r = h.cmd("SET", `k${i}`, v);
      if (r !== OK) oom = r;
    }
    expect(oom).toBe(err("OOM command not allowed when used memory > 'maxmemory'."));
    expect(h.cmd("SET", "k0", v, "GET")).toBe(err("OOM command not allowed when used memory > 'maxmemory'."));
    expect(h.cmd("GETSET", "k0", v)).toBe(err("OOM command not allowed when used memory > 'maxmemory'."));
    expect(h.cmd("STRLEN", "k0")).toBe(int(v.length));
  });
});
