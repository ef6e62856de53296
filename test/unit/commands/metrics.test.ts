import { beforeEach, describe, expect, test } from "bun:test";
import { Counter, counters, resetCounters } from "../../../src/metrics/index.ts";
import { ItemType } from "../../../src/store/index.ts";
import { Harness } from "./harness.ts";

function snapshot() {
  return {
    hits: counters[Counter.cacheHits],
    misses: counters[Counter.cacheMisses],
    sets: counters[Counter.cacheSets],
    deletes: counters[Counter.cacheDeletes],
  };
}

describe("cache counters", () => {
  beforeEach(() => resetCounters());

  test("reads count hits and misses", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    resetCounters();
    h.cmd("GET", "a");
    h.cmd("GET", "b");
    h.cmd("MGET", "a", "b", "c");
    h.cmd("GETEX", "a");
    h.cmd("STRLEN", "zz");
    h.cmd("EXISTS", "a", "q");
    expect(snapshot()).toEqual({ hits: 4, misses: 5, sets: 0, deletes: 0 });
  });

  test("a wrong-type read is a hit (the key was found)", () => {
    const h = new Harness();
    h.setTyped("l", ItemType.List);
    resetCounters();
    h.cmd("GET", "l");
    expect(snapshot().hits).toBe(1);
  });

  test("writes count sets, deletions count deletes", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    h.cmd("MSET", "b", "1", "c", "2");
    h.cmd("INCR", "n");
    h.cmd("APPEND", "a", "x");
    h.cmd("SET", "a", "2", "NX");
    expect(snapshot().sets).toBe(5);
    h.cmd("DEL", "a", "b", "nothing");
    h.cmd("GETDEL", "c");
    h.cmd("EXPIRE", "n", "0");
    expect(snapshot().deletes).toBe(4);
  });

  test("errors count nothing", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v", "EX", "0");
    h.cmd("INCRBY", "k", "x");
    expect(snapshot()).toEqual({ hits: 0, misses: 0, sets: 0, deletes: 0 });
  });
});
