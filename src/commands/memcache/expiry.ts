/** memcached's REALTIME_MAXDELTA: an exptime beyond 30 days is a Unix time. */
export const RELATIVE_EXPTIME_MAX_SECS = 60 * 60 * 24 * 30;

/** An exptime that has already passed (negative, or a Unix time in the past). */
export const EXPIRED = -1;

/**
 * memcached's exptime as the store's absolute expiry: 0 = none, seconds up to 30 days from
 * now, a Unix time beyond that; EXPIRED when the item is dead on arrival.
 */
export function expiryMs(exptime: number, nowMs: number): number {
  if (exptime === 0) return 0;
  if (exptime < 0) return EXPIRED;
  if (exptime > RELATIVE_EXPTIME_MAX_SECS) {
    const at = exptime * 1000;
    return at <= nowMs ? EXPIRED : at;
  }
  return nowMs + exptime * 1000;
}
