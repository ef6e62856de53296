// The sorted-set family's error replies, word for word as Redis 7.0's t_zset.c writes them
// (addReplyError prefixes "ERR "). Shared texts (syntax error, WRONGTYPE, not an integer,
// not a valid float) live in ../errors.ts.

export const ERR_XX_AND_NX = "ERR XX and NX options at the same time are not compatible";
export const ERR_GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
export const ERR_INCR_PAIR = "ERR INCR option supports a single increment-element pair";
export const ERR_SCORE_NAN = "ERR resulting score is not a number (NaN)";
export const ERR_MIN_MAX_NOT_FLOAT = "ERR min or max is not a float";
export const ERR_MIN_MAX_NOT_LEX = "ERR min or max not valid string range item";
export const ERR_LIMIT_NEEDS_BY = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
export const ERR_WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
export const ERR_WEIGHT_NOT_FLOAT = "ERR weight value is not a float";
export const ERR_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
export const ERR_NUMKEYS = "ERR numkeys should be greater than 0";
export const ERR_COUNT_POSITIVE = "ERR count should be greater than 0";
/** getPositiveLongFromObjectOrReply without a message of its own (ZPOPMIN's count). */
export const ERR_MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
/** ZRANDMEMBER's count outside -LONG_MAX..LONG_MAX (getRangeLongFromObjectOrReply). */
export const ERR_COUNT_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
/** ZRANDMEMBER WITHSCORES with a count beyond LONG_MAX/2. */
export const ERR_OUT_OF_RANGE = "ERR value is out of range";

/** "ERR at least 1 input key is needed for 'zunionstore' command". */
export function errAtLeastOneKey(command: string): string {
  return `ERR at least 1 input key is needed for '${command}' command`;
}
