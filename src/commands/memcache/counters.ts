// memcached's per-command statistics (`stats`), counted as memcached counts them. Plain
// Float64Array increments on the hot path; `stats reset` zeroes them.

export const McStat = {
  cmd_get: 0,
  cmd_set: 1,
  cmd_flush: 2,
  cmd_touch: 3,
  cmd_meta: 4,
  get_hits: 5,
  get_misses: 6,
  delete_misses: 7,
  delete_hits: 8,
  incr_misses: 9,
  incr_hits: 10,
  decr_misses: 11,
  decr_hits: 12,
  cas_misses: 13,
  cas_hits: 14,
  cas_badval: 15,
  touch_hits: 16,
  touch_misses: 17,
  store_too_large: 18,
  store_no_memory: 19,
  total_items: 20,
} as const;
export type McStat = (typeof McStat)[keyof typeof McStat];

export const mcStatNames = Object.keys(McStat) as (keyof typeof McStat)[];

export const mcStats = new Float64Array(mcStatNames.length);
