// The list family's error replies, word for word as Redis 7.0's t_list.c (and the
// getPositiveLong/getRangeLong helpers of object.c it calls) writes them.

/** LPOP/RPOP count: getPositiveLongFromObjectOrReply without a message of its own. */
export const ERR_NOT_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
export const ERR_COUNT_NEGATIVE = "ERR COUNT can't be negative";
export const ERR_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
export const ERR_NUMKEYS = "ERR numkeys should be greater than 0";
export const ERR_COUNT_NOT_POSITIVE = "ERR count should be greater than 0";
