import { describe, expect, test } from "bun:test";
import { ItemType, ListObject } from "../../../src/store/index.ts";
import { bulk, err, Harness, int, NULL, simple } from "./harness.ts";

describe("OBJECT", () => {
  test("ENCODING of strings", () => {
    const h = new Harness();
    h.cmd("SET", "i", "12345");
    h.cmd("SET", "neg", "-9223372036854775808");
    h.cmd("SET", "toobig", "9223372036854775808");
    h.cmd("SET", "lead0", "0123");
    h.cmd("SET", "e", "x".repeat(44));
    h.cmd("SET", "r", "x".repeat(45));
    h.cmd("SET", "empty", "");
    expect(h.cmd("OBJECT", "ENCODING", "i")).toBe(bulk("int"));
    expect(h.cmd("OBJECT", "encoding", "neg")).toBe(bulk("int"));
    expect(h.cmd("OBJECT", "ENCODING", "toobig")).toBe(bulk("embstr"));
    expect(h.cmd("OBJECT", "ENCODING", "lead0")).toBe(bulk("embstr"));
    expect(h.cmd("OBJECT", "ENCODING", "e")).toBe(bulk("embstr"));
    expect(h.cmd("OBJECT", "ENCODING", "r")).toBe(bulk("raw"));
    expect(h.cmd("OBJECT", "ENCODING", "empty")).toBe(bulk("embstr"));
    expect(h.cmd("OBJECT", "ENCODING", "missing")).toBe(NULL);
  });

  test("ENCODING of a collection is its object's", () => {
    const h = new Harness();
    const list = new ListObject();
    list.pushBack("a");
    const key = new TextEncoder().encode("l");
    h.store.setObject(0, key, 0, key.length, list, ItemType.List, 0, 0);
    expect(h.cmd("OBJECT", "ENCODING", "l")).toBe(bulk("quicklist"));
  });

  test("REFCOUNT, IDLETIME, FREQ", () => {
    const h = new Harness();
    h.cmd("SET", "k", "v");
    expect(h.cmd("OBJECT", "REFCOUNT", "k")).toBe(int(1));
    expect(h.cmd("OBJECT", "IDLETIME", "k")).toBe(int(0));
    h.clock.advance(5_000);
    expect(h.cmd("OBJECT", "IDLETIME", "k")).toBe(int(5));
    // OBJECT does not count as an access
    expect(h.cmd("OBJECT", "IDLETIME", "k")).toBe(int(5));
    h.cmd("GET", "k");
    expect(h.cmd("OBJECT", "IDLETIME", "k")).toBe(int(0));
    expect(h.cmd("OBJECT", "FREQ", "k")).toMatch(/^:\d+\r\n$/);
    for (const sub of ["REFCOUNT", "IDLETIME", "FREQ"]) expect(h.cmd("OBJECT", sub, "missing")).toBe(NULL);
  });

  test("FREQ and IDLETIME follow the server's LFU setting", () => {
    const lfu = new Harness({ hooks: { lfuEnabled: true } });
    lfu.cmd("SET", "k", "v");
    expect(lfu.cmd("OBJECT", "FREQ", "k")).toMatch(/^:\d+\r\n$/);
    expect(lfu.cmd("OBJECT", "IDLETIME", "k")).toBe(
      err(
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
      ),
    );
    const lru = new Harness({ hooks: { lfuEnabled: false } });
    lru.cmd("SET", "k", "v");
    expect(lru.cmd("OBJECT", "IDLETIME", "k")).toBe(int(0));
    expect(lru.cmd("OBJECT", "FREQ", "k")).toBe(
      err(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
      ),
    );
    expect(lru.cmd("OBJECT", "FREQ", "missing")).toBe(NULL);
  });

  test("HELP", () => {
    const h = new Harness();
    const lines = [
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
    ];
    expect(h.cmd("OBJECT", "HELP")).toBe(`*${lines.length}\r\n${lines.map(simple).join("")}`);
  });

  test("subcommand arity", () => {
    const h = new Harness();
    expect(h.cmd("OBJECT", "ENCODING")).toBe(err("ERR wrong number of arguments for 'object|encoding' command"));
    expect(h.cmd("OBJECT", "HELP", "x")).toBe(err("ERR wrong number of arguments for 'object|help' command"));
  });
});
