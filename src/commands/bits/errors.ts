// Redis 7.0's error replies for the bit commands (bitops.c), word for word.

export const ERR_BIT_OFFSET = "ERR bit offset is not an integer or out of range";
export const ERR_BIT_VALUE = "ERR bit is not an integer or out of range";
export const ERR_BITPOS_BIT = "ERR The bit argument must be 1 or 0.";
export const ERR_BITOP_NOT = "ERR BITOP NOT must be called with a single source key.";
export const ERR_BITFIELD_TYPE =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
export const ERR_BITFIELD_OVERFLOW = "ERR Invalid OVERFLOW type specified";
export const ERR_BITFIELD_RO = "ERR BITFIELD_RO only supports the GET subcommand";

/** Keyspace event names, as bitops.c's notifyKeyspaceEvent calls send them. */
export const BitEvent = {
  setbit: "setbit",
  set: "set",
  del: "del",
} as const;
