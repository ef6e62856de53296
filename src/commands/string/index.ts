// The string family (Redis's "string" group).

import type { CommandSpec } from "../types.ts";
import { APPEND, STRLEN } from "./append.ts";
import { GET, GETDEL, GETSET } from "./get.ts";
import { GETEX } from "./getex.ts";
import { DECR, DECRBY, INCR, INCRBY } from "./incr.ts";
import { INCRBYFLOAT } from "./incrbyfloat.ts";
import { LCS } from "./lcs.ts";
import { MGET, MSET, MSETNX } from "./mget.ts";
import { GETRANGE, SETRANGE, SUBSTR } from "./range.ts";
import { PSETEX, SET, SETEX, SETNX } from "./set.ts";

export const stringCommands: CommandSpec[] = [
  GET, SET, SETNX, SETEX, PSETEX, GETEX, GETDEL, GETSET,
  MGET, MSET, MSETNX,
  INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT,
  APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE, LCS,
];

export {
  APPEND, DECR, DECRBY, GET, GETDEL, GETEX, GETRANGE, GETSET, INCR, INCRBY, INCRBYFLOAT, LCS,
  MGET, MSET, MSETNX, PSETEX, SET, SETEX, SETNX, SETRANGE, STRLEN, SUBSTR,
};
