// The set family (Redis's "set" group): t_set.c.

import type { CommandSpec } from "../types.ts";
import { SADD, SREM } from "./add.ts";
import { SCARD, SISMEMBER, SMEMBERS, SMISMEMBER } from "./member.ts";
import { SPOP } from "./pop.ts";
import { SRANDMEMBER } from "./random.ts";
import { SMOVE } from "./move.ts";
import { SINTER, SINTERCARD, SINTERSTORE } from "./inter.ts";
import { SDIFF, SDIFFSTORE, SUNION, SUNIONSTORE } from "./union.ts";
import { SSCAN } from "./scan.ts";

export const setCommands: CommandSpec[] = [
  SADD, SREM, SISMEMBER, SMISMEMBER, SCARD, SMEMBERS, SPOP, SRANDMEMBER, SMOVE,
  SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, SSCAN,
];
