// The set family's error replies, word for word as Redis 7.0's t_set.c sends them.

export const ERR_COUNT_NOT_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_COUNT_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
export const ERR_NUMKEYS = "ERR numkeys should be greater than 0";
export const ERR_NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";
export const ERR_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
