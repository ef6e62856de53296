// Redis 7.0's error texts for the hash commands (t_hash.c), word for word.

export const ERR_HASH_VALUE_NOT_INTEGER = "ERR hash value is not an integer";
export const ERR_HASH_VALUE_NOT_FLOAT = "ERR hash value is not a float";
/** HINCRBYFLOAT's increment itself is inf. */
export const ERR_VALUE_NAN_OR_INFINITY = "ERR value is NaN or Infinity";
/** HRANDFIELD ... WITHVALUES with a count beyond +/-LONG_MAX/2. */
export const ERR_VALUE_OUT_OF_RANGE = "ERR value is out of range";
/** HRANDFIELD's count outside -LONG_MAX..LONG_MAX (getRangeLongFromObjectOrReply). */
export const ERR_RANDFIELD_COUNT_RANGE =
  "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
