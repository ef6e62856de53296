// The dispatcher's per-command bits come from the specs' flags: no name lists beside them.

import { describe, expect, test } from "bun:test";
import { CommandBits, CommandTable } from "../../../src/commands/index.ts";
import { serverCommandSpecs } from "../../../src/server/index.ts";

const table = new CommandTable(serverCommandSpecs());

/** The bits of a command or "container|sub". */
function bitsOf(name: string): number {
  const [top, sub] = name.split("|");
  const index = table.specs.findIndex((s) => s.name === top);
  expect(index).toBeGreaterThanOrEqual(0);
  if (sub === undefined) return table.bits[index];
  const subtable = table.subtable(index)!;
  return subtable.bits[subtable.specs.findIndex((s) => s.name === name)];
}

describe("CommandBits.mayReplicate (what CLIENT PAUSE WRITE holds)", () => {
  test("set for every command flagged write or may_replicate, and only those", () => {
    const walk = (t: CommandTable) => {
      for (let i = 0; i < t.specs.length; i++) {
        const f = t.specs[i].flags;
        const expected = f.includes("write") || f.includes("may_replicate");
        expect({ name: t.specs[i].name, held: (t.bits[i] & CommandBits.mayReplicate) !== 0 }).toEqual({ name: t.specs[i].name, held: expected });
        const sub = t.subtable(i);
        if (sub !== undefined) walk(sub);
      }
    };
    walk(table);
  });

  test("PUBLISH may replicate (Redis 7.0's flag, hidden by its COMMAND INFO); writes do; reads and admin commands do not", () => {
    for (const name of ["publish", "set", "del", "incr", "flushall", "rpush", "blpop"]) {
      expect({ name, bit: bitsOf(name) & CommandBits.mayReplicate }).toEqual({ name, bit: CommandBits.mayReplicate });
    }
    for (const name of ["get", "ping", "exec", "multi", "subscribe", "client|pause", "client|unpause", "client|kill", "info", "ttl"]) {
      expect({ name, bit: bitsOf(name) & CommandBits.mayReplicate }).toEqual({ name, bit: 0 });
    }
  });
});
