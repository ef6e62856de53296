// The specs are data that COMMAND, COMMAND DOCS, ACL and the dispatcher read; these are
// Redis 7.0.15's values (taken from its COMMAND INFO / COMMAND DOCS).

import { describe, expect, test } from "bun:test";
import { keyspaceCommands } from "../../../src/commands/keyspace/index.ts";
import { stringCommands } from "../../../src/commands/string/index.ts";
import type { ArgDoc, CommandSpec } from "../../../src/commands/types.ts";

const all = [...stringCommands, ...keyspaceCommands];

function flatten(specs: CommandSpec[]): CommandSpec[] {
  return specs.flatMap((s) => [s, ...(s.subcommands ?? [])]);
}

describe("command specs", () => {
  test("every command of the brief is there, once", () => {
    const names = all.map((s) => s.name).sort();
    expect(names).toEqual(
      [
        "append", "copy", "decr", "decrby", "del", "exists", "expire", "expireat", "expiretime", "get", "getdel", "getex",
        "getrange", "getset", "incr", "incrby", "incrbyfloat", "keys", "lcs", "memory", "mget", "move", "mset", "msetnx", "object",
        "persist", "pexpire", "pexpireat", "pexpiretime", "psetex", "pttl", "randomkey", "rename", "renamenx", "scan",
        "set", "setex", "setnx", "setrange", "strlen", "substr", "swapdb", "touch", "ttl", "type", "unlink",
      ].sort(),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  test("handlers everywhere except the OBJECT and MEMORY containers", () => {
    for (const s of flatten(all)) {
      if (s.name === "object" || s.name === "memory") expect(s.handler).toBeUndefined();
      else expect(typeof s.handler).toBe("function");
    }
    expect(all.find((s) => s.name === "object")!.subcommands!.map((s) => s.name).sort()).toEqual([
      "object|encoding", "object|freq", "object|help", "object|idletime", "object|refcount",
    ]);
  });

  test("Redis 7.0's arity, flags, key positions and ACL categories", () => {
    const info = (name: string) => {
      const s = flatten(all).find((x) => x.name === name)!;
      return [s.arity, s.flags, s.firstKey, s.lastKey, s.step, s.acl];
    };
    expect(info("get")).toEqual([2, ["readonly", "fast"], 1, 1, 1, ["read", "string", "fast"]]);
    expect(info("set")).toEqual([-3, ["write", "denyoom"], 1, 1, 1, ["write", "string", "slow"]]);
    expect(info("mget")).toEqual([-2, ["readonly", "fast"], 1, -1, 1, ["read", "string", "fast"]]);
    expect(info("mset")).toEqual([-3, ["write", "denyoom"], 1, -1, 2, ["write", "string", "slow"]]);
    expect(info("incr")).toEqual([2, ["write", "denyoom", "fast"], 1, 1, 1, ["write", "string", "fast"]]);
    expect(info("lcs")).toEqual([-3, ["readonly"], 1, 2, 1, ["read", "string", "slow"]]);
    expect(info("del")).toEqual([-2, ["write"], 1, -1, 1, ["keyspace", "write", "slow"]]);
    expect(info("keys")).toEqual([2, ["readonly"], 0, 0, 0, ["keyspace", "read", "slow", "dangerous"]]);
    expect(info("scan")).toEqual([-2, ["readonly"], 0, 0, 0, ["keyspace", "read", "slow"]]);
    expect(info("swapdb")).toEqual([3, ["write", "fast"], 0, 0, 0, ["keyspace", "write", "fast", "dangerous"]]);
    expect(info("object|encoding")).toEqual([3, ["readonly"], 2, 2, 1, ["keyspace", "read", "slow"]]);
    expect(info("object|help")).toEqual([2, ["loading", "stale"], 0, 0, 0, ["keyspace", "slow"]]);
  });

  test("groups and docs", () => {
    for (const s of stringCommands) expect(s.group).toBe("string");
    for (const s of flatten(keyspaceCommands)) expect(s.group).toBe(s.name === "swapdb" || s.name.startsWith("memory") ? "server" : "generic");
    for (const s of flatten(all)) {
      expect(s.summary.length).toBeGreaterThan(0);
      expect(s.since).toMatch(/^\d+\.\d+\.\d+$/);
    }
    const set = all.find((s) => s.name === "set")!;
    expect(set.args!.map((a) => a.name)).toEqual(["key", "value", "condition", "get", "expiration"]);
    const expiration = set.args!.find((a) => a.name === "expiration")!;
    expect(expiration.type).toBe("oneof");
    expect(expiration.arguments!.map((a: ArgDoc) => a.token)).toEqual(["EX", "PX", "EXAT", "PXAT", "KEEPTTL"]);
    expect(all.find((s) => s.name === "del")!.args).toEqual([{ name: "key", type: "key", multiple: true }]);
  });

  test("every key-taking command documents a key argument", () => {
    for (const s of flatten(all)) {
      const hasKey = (args: ArgDoc[] | undefined): boolean => !!args?.some((a) => a.type === "key" || hasKey(a.arguments));
      if (s.firstKey > 0) expect(hasKey(s.args)).toBe(true);
    }
  });
});
