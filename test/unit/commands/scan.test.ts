import { describe, expect, test } from "bun:test";
import { ItemType } from "../../../src/store/index.ts";
import { err, Harness, NOT_INTEGER, NULL, SYNTAX } from "./harness.ts";

/** Decode a flat RESP array of bulk strings. */
function bulkArray(reply: string): string[] {
  const lines = reply.split("\r\n");
  expect(lines[0].startsWith("*")).toBe(true);
  const n = Number(lines[0].slice(1));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(lines[2 + 2 * i]);
  return out;
}

/** Decode SCAN's [cursor, [keys...]]. */
function scanReply(reply: string): { cursor: string; keys: string[] } {
  const lines = reply.split("\r\n");
  expect(lines[0]).toBe("*2");
  const cursor = lines[2];
  const n = Number(lines[3].slice(1));
  const keys: string[] = [];
  for (let i = 0; i < n; i++) keys.push(lines[5 + 2 * i]);
  return { cursor, keys };
}

function scanAll(h: Harness, ...opts: string[]): string[] {
  const seen: string[] = [];
  let cursor = "0";
  let rounds = 0;
  do {
    const r = scanReply(h.cmd("SCAN", cursor, ...opts));
    seen.push(...r.keys);
    cursor = r.cursor;
    expect(++rounds).toBeLessThan(100_000);
  } while (cursor !== "0");
  return seen;
}

describe("KEYS", () => {
  test("patterns", () => {
    const h = new Harness();
    h.cmd("MSET", "hello", "1", "hallo", "2", "hxllo", "3", "hllo", "4", "heeeello", "5", "other", "6");
    expect(bulkArray(h.cmd("KEYS", "*")).sort()).toEqual(["hallo", "heeeello", "hello", "hllo", "hxllo", "other"]);
    expect(bulkArray(h.cmd("KEYS", "h?llo")).sort()).toEqual(["hallo", "hello", "hxllo"]);
    expect(bulkArray(h.cmd("KEYS", "h*llo")).sort()).toEqual(["hallo", "heeeello", "hello", "hllo", "hxllo"]);
    expect(bulkArray(h.cmd("KEYS", "h[ae]llo")).sort()).toEqual(["hallo", "hello"]);
    expect(bulkArray(h.cmd("KEYS", "h[^e]llo")).sort()).toEqual(["hallo", "hxllo"]);
    expect(bulkArray(h.cmd("KEYS", "h[a-b]llo")).sort()).toEqual(["hallo"]);
    expect(bulkArray(h.cmd("KEYS", "nomatch*"))).toEqual([]);
    expect(h.cmd("KEYS", "nomatch*")).toBe("*0\r\n");
  });

  test("only the selected db, no expired keys, every type", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    h.cmd("SET", "gone", "1", "PX", "5");
    h.setTyped("l", ItemType.List);
    h.select(3);
    h.cmd("SET", "b", "1");
    h.select(0);
    h.clock.advance(6);
    expect(bulkArray(h.cmd("KEYS", "*")).sort()).toEqual(["a", "l"]);
  });

  test("many keys", () => {
    const h = new Harness();
    for (let i = 0; i < 5000; i++) h.cmd("SET", `key:${i}`, "v");
    const all = bulkArray(h.cmd("KEYS", "key:*"));
    expect(all.length).toBe(5000);
    expect(new Set(all).size).toBe(5000);
    expect(bulkArray(h.cmd("KEYS", "key:1?")).length).toBe(10);
  });

  test("binary keys", () => {
    const h = new Harness();
    h.cmd("SET", new Uint8Array([0, 255, 10]), "v");
    expect(h.cmd("KEYS", "*")).toBe("*1\r\n$3\r\n\x00\xff\n\r\n");
  });
});

describe("SCAN", () => {
  test("a full iteration sees every key once", () => {
    const h = new Harness();
    for (let i = 0; i < 1000; i++) h.cmd("SET", `k${i}`, "v");
    const seen = scanAll(h);
    expect(seen.length).toBe(1000);
    expect(new Set(seen).size).toBe(1000);
    const seen2 = scanAll(h, "COUNT", "100");
    expect(new Set(seen2).size).toBe(1000);
  });

  test("MATCH and TYPE", () => {
    const h = new Harness();
    for (let i = 0; i < 50; i++) h.cmd("SET", `s${i}`, "v");
    for (let i = 0; i < 20; i++) h.setTyped(`l${i}`, ItemType.List);
    h.setTyped("h", ItemType.Hash);
    expect(new Set(scanAll(h, "MATCH", "s1*")).size).toBe(11);
    expect(new Set(scanAll(h, "TYPE", "list")).size).toBe(20);
    expect(new Set(scanAll(h, "type", "LIST")).size).toBe(20);
    expect(scanAll(h, "TYPE", "hash")).toEqual(["h"]);
    expect(new Set(scanAll(h, "TYPE", "string", "MATCH", "s2?", "COUNT", "7")).size).toBe(10);
    expect(scanAll(h, "TYPE", "nosuchtype")).toEqual([]);
  });

  test("an empty db", () => {
    const h = new Harness();
    expect(h.cmd("SCAN", "0")).toBe("*2\r\n$1\r\n0\r\n*0\r\n");
  });

  test("cursor parsing (strtoul)", () => {
    const h = new Harness();
    h.cmd("SET", "a", "1");
    for (const ok of ["", "+0", "0", "-1", "18446744073709551615", "00"]) {
      expect(h.cmd("SCAN", ok).startsWith("*2\r\n")).toBe(true);
    }
    for (const bad of ["abc", " 0", "0 ", "1x", "-", "+", "18446744073709551616", "1.5"]) {
      expect(h.cmd("SCAN", bad)).toBe(err("ERR invalid cursor"));
    }
  });

  test("option errors", () => {
    const h = new Harness();
    expect(h.cmd("SCAN", "0", "COUNT", "0")).toBe(SYNTAX);
    expect(h.cmd("SCAN", "0", "COUNT", "-1")).toBe(SYNTAX);
    expect(h.cmd("SCAN", "0", "COUNT", "x")).toBe(NOT_INTEGER);
    expect(h.cmd("SCAN", "0", "MATCH")).toBe(SYNTAX);
    expect(h.cmd("SCAN", "0", "TYPE")).toBe(SYNTAX);
    expect(h.cmd("SCAN", "0", "FOO", "bar")).toBe(SYNTAX);
    expect(h.cmd("SCAN", "x", "COUNT", "0")).toBe(err("ERR invalid cursor"));
  });
});

describe("RANDOMKEY", () => {
  test("empty db: nil; otherwise a live key", () => {
    const h = new Harness();
    expect(h.cmd("RANDOMKEY")).toBe(NULL);
    h.cmd("SET", "only", "v");
    expect(h.cmd("RANDOMKEY")).toBe("$4\r\nonly\r\n");
    h.cmd("SET", "gone", "v", "PX", "1");
    h.clock.advance(2);
    for (let i = 0; i < 20; i++) expect(h.cmd("RANDOMKEY")).toBe("$4\r\nonly\r\n");
    h.cmd("DEL", "only");
    expect(h.cmd("RANDOMKEY")).toBe(NULL);
  });

  test("RESP3 null", () => {
    const h = new Harness({ proto: 3 });
    expect(h.cmd("RANDOMKEY")).toBe("_\r\n");
  });

  test("covers the keyspace", () => {
    const h = new Harness();
    for (let i = 0; i < 5; i++) h.cmd("SET", `k${i}`, "v");
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(h.cmd("RANDOMKEY"));
    expect(seen.size).toBe(5);
  });
});
