// The hash family (Redis's "hash" group): t_hash.c.

import type { CommandSpec } from "../types.ts";
import { HDEL } from "./del.ts";
import { HEXISTS, HGET, HLEN, HMGET, HSTRLEN } from "./get.ts";
import { HGETALL, HKEYS, HVALS } from "./getall.ts";
import { HINCRBY, HINCRBYFLOAT } from "./incr.ts";
import { HRANDFIELD } from "./randfield.ts";
import { HSCAN } from "./scan.ts";
import { HMSET, HSET, HSETNX } from "./set.ts";

export const hashCommands: CommandSpec[] = [
  HSET, HSETNX, HMSET, HGET, HMGET, HDEL, HEXISTS, HLEN, HSTRLEN,
  HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN,
];
