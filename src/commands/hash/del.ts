// HDEL: t_hash.c hdelCommand. The key goes when its last field does.

import type { CommandSpec, Ctx } from "../types.ts";
import { commitHash, elementArg, openedHash, openHash } from "./common.ts";

function hdel(c: Ctx): void {
  const handle = openHash(c);
  if (handle === -2) return;
  if (handle === -1) {
    c.reply.integer(0);
    return;
  }
  const h = openedHash(c, handle);
  const argc = c.argv.argc;
  let deleted = 0;
  for (let i = 2; i < argc; i++) {
    if (h.delete(elementArg(c, i))) {
      deleted++;
      if (h.size === 0) break;
    }
  }
  if (deleted > 0) commitHash(c, h, handle, "hdel");
  c.reply.integer(deleted);
}

export const HDEL: CommandSpec = {
  name: "hdel",
  arity: -3,
  flags: ["write", "fast"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["write", "hash", "fast"],
  group: "hash",
  summary: "Delete one or more hash fields",
  since: "2.0.0",
  complexity: "O(N) where N is the number of fields to be removed.",
  args: [
    { name: "key", type: "key" },
    { name: "field", type: "string", multiple: true },
  ],
  handler: hdel,
};
