// The list family (Redis's "list" group): t_list.c's non-blocking commands. The blocking
// forms (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) live in the server layer, which serves
// a woken client through popKeyAndReply, moveKeyAndReply and parseMpop.

import type { CommandSpec } from "../types.ts";
import { LMPOP } from "./lmpop.ts";
import { LMOVE, RPOPLPUSH } from "./move.ts";
import { LPOP, RPOP } from "./pop.ts";
import { LPOS } from "./lpos.ts";
import { LPUSH, LPUSHX, RPUSH, RPUSHX } from "./push.ts";
import { LINDEX, LLEN, LRANGE } from "./read.ts";
import { LREM, LTRIM } from "./remove.ts";
import { LINSERT, LSET } from "./update.ts";

export { End, endOrReply, ListEvent } from "./common.ts";
export { mpopArgs, parseMpop } from "./lmpop.ts";
export { moveAndReply, moveKeyAndReply } from "./move.ts";
export { popAndReply, popKeyAndReply, PopShape } from "./pop.ts";

export const listCommands: CommandSpec[] = [
  LPUSH, RPUSH, LPUSHX, RPUSHX,
  LPOP, RPOP, LMPOP,
  LLEN, LINDEX, LRANGE,
  LSET, LINSERT,
  LREM, LTRIM,
  LPOS,
  LMOVE, RPOPLPUSH,
];
