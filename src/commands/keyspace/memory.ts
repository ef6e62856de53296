// MEMORY (object.c memoryCommand). USAGE: the bytes a key takes in the store. A string is
// its item (header, key, value, padding; a large value's side allocation on top); a
// collection is its stub item plus the object's own estimate, which is what heap_size is
// charged for it. STATS, DOCTOR, MALLOC-STATS and PURGE report on (and act on) the whole
// server's memory through the server hooks.

import type { CommandSpec, Ctx, MemoryStat } from "../types.ts";
import { argIs, argIntOrReply } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { replyHelp } from "../connection/index.ts";

/** An item's header words plus its side-table entry, as the store lays them out. */
const ITEM_HEADER_BYTES = 16;
const SIDE_ENTRY_BYTES = 64;
const SAMPLES = new TextEncoder().encode("samples");

function usage(c: Ctx): void {
  const a = c.argv;
  // [SAMPLES count] as often as given (the last wins); read before the key is looked up.
  for (let j = 3; j < a.argc; j += 2) {
    if (!argIs(c, j, SAMPLES) || j + 1 >= a.argc) {
      c.reply.error(ERR_SYNTAX);
      return;
    }
    const samples = argIntOrReply(c, j + 1);
    if (Number.isNaN(samples)) return;
    if (samples < 0) {
      c.reply.error(ERR_SYNTAX);
      return;
    }
  }
  const s = c.store;
  const keyLen = a.len[2];
  if (!s.peek(c.client.db, a.buf, a.off[2], keyLen)) {
    c.reply.nullBulk();
    return;
  }
  const stub = (ITEM_HEADER_BYTES + keyLen + 7) & ~7;
  if (s.obj !== null) {
    c.reply.integer(stub + SIDE_ENTRY_BYTES + s.obj.bytes);
    return;
  }
  const large = s.valueLength > 0 && s.valueOffset === 0 && s.buf.length === s.valueLength;
  c.reply.integer(large ? stub + SIDE_ENTRY_BYTES + s.valueLength : (stub + s.valueLength + 7) & ~7);
}

function replyStats(c: Ctx, stats: MemoryStat[]): void {
  c.reply.mapHeader(stats.length);
  for (const [name, value] of stats) {
    c.reply.bulkString(name);
    if (typeof value === "number") c.reply.integer(value);
    else if (Array.isArray(value)) replyStats(c, value);
    else c.reply.double(value.ratio);
  }
}

const whole = { arity: 2, flags: [], firstKey: 0, lastKey: 0, step: 0, acl: ["slow"], group: "server", since: "4.0.0" } satisfies Partial<CommandSpec>;

export const MEMORY: CommandSpec = {
  name: "memory", arity: -2, flags: [], firstKey: 0, lastKey: 0, step: 0, acl: ["slow"], group: "server",
  summary: "A container for memory diagnostics commands", since: "4.0.0", complexity: "Depends on subcommand.",
  subcommands: [
    {
      name: "memory|usage", arity: -3, flags: ["readonly"], firstKey: 2, lastKey: 2, step: 1, acl: ["read", "slow"], group: "server",
      summary: "Estimate the memory usage of a key", since: "4.0.0", complexity: "O(N) where N is the number of samples.",
      args: [{ name: "key", type: "key" }, { name: "count", type: "integer", token: "SAMPLES", optional: true }],
      handler: usage,
    },
    {
      ...whole, name: "memory|stats", summary: "Show memory usage details", complexity: "O(1)",
      handler: (c) => replyStats(c, c.server.memoryStats()),
    },
    {
      ...whole, name: "memory|doctor", summary: "Outputs memory problems report", complexity: "O(1)",
      handler: (c) => c.reply.verbatim("txt", c.server.memoryDoctor()),
    },
    {
      ...whole, name: "memory|malloc-stats", summary: "Show allocator internal stats", complexity: "Depends on how much memory is allocated, could be slow",
      handler: (c) => c.reply.verbatim("txt", c.server.mallocStats()),
    },
    {
      ...whole, name: "memory|purge", summary: "Ask the allocator to release memory", complexity: "Depends on how much memory is allocated, could be slow",
      handler(c) {
        c.server.memoryPurge();
        c.reply.ok();
      },
    },
    {
      ...whole, name: "memory|help", flags: ["loading", "stale"], summary: "Show helpful text about the different subcommands", complexity: "O(1)",
      handler(c) {
        replyHelp(c, "MEMORY", [
          "DOCTOR", "    Return memory problems reports.",
          "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
          "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
          "STATS", "    Return information about the memory usage of the server.",
          "USAGE <key> [SAMPLES <count>]", "    Return memory in bytes used by <key> and its value. Nested values are",
          "    sampled up to <count> times (default: 5, 0 means sample all).",
        ]);
      },
    },
  ],
};
