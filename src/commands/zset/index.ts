// The sorted-set family (Redis's "sorted-set" group): t_zset.c. BZPOPMIN, BZPOPMAX and
// BZMPOP live with the blocking machinery, which pops through zpopKeyAndReply.

import type { CommandSpec } from "../types.ts";
import { ZADD, ZINCRBY } from "./add.ts";
import { ZCARD, ZCOUNT, ZLEXCOUNT, ZMSCORE, ZRANK, ZREVRANK, ZSCORE } from "./read.ts";
import { ZRANGE, ZRANGEBYLEX, ZRANGEBYSCORE, ZRANGESTORE, ZREVRANGE, ZREVRANGEBYLEX, ZREVRANGEBYSCORE } from "./range.ts";
import { ZREM, ZREMRANGEBYLEX, ZREMRANGEBYRANK, ZREMRANGEBYSCORE } from "./remove.ts";
import { ZMPOP, ZPOPMAX, ZPOPMIN } from "./pop.ts";
import { ZRANDMEMBER } from "./random.ts";
import { ZDIFF, ZDIFFSTORE, ZINTER, ZINTERCARD, ZINTERSTORE, ZUNION, ZUNIONSTORE } from "./algebra.ts";
import { ZSCAN } from "./scan.ts";

export { parseZmpop, zmpopArgs, zpopAndReply, zpopKeyAndReply, ZPopShape } from "./pop.ts";
export { formatScore, replyScore } from "./score.ts";

export const zsetCommands: CommandSpec[] = [
  ZADD, ZINCRBY,
  ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT,
  ZRANGE, ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX,
  ZREM, ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX,
  ZPOPMIN, ZPOPMAX, ZMPOP,
  ZRANDMEMBER,
  ZUNION, ZINTER, ZDIFF, ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZINTERCARD,
  ZSCAN,
];
