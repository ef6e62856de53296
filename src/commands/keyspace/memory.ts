// MEMORY USAGE (object.c memoryCommand): the bytes a key takes in the store. A string is
// its item (header, key, value, padding; a large value's side allocation on top); a
// collection is its stub item plus the object's own estimate, which is what heap_size is
// charged for it.

import type { CommandSpec, Ctx } from "../types.ts";
import { argIs, argIntOrReply } from "../args.ts";
import { ERR_SYNTAX } from "../errors.ts";

/** An item's header words plus its side-table entry, as the store lays them out. */
const ITEM_HEADER_BYTES = 16;
const SIDE_ENTRY_BYTES = 64;
const SAMPLES = new TextEncoder().encode("samples");

function usage(c: Ctx): void {
  const a = c.argv;
  if (a.argc === 5 && argIs(c, 3, SAMPLES)) {
    if (Number.isNaN(argIntOrReply(c, 4))) return;
  } else if (a.argc !== 3) {
    c.reply.error(ERR_SYNTAX);
    return;
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
  ],
};
