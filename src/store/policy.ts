// Eviction policy ids (index in EvictionPolicies) and removal reasons.

export const POLICY_FIFO = 0;
export const POLICY_RANDOM = 1;
export const POLICY_S3FIFO = 2;
export const POLICY_NOEVICTION = 3;

export const REASON_DELETED = 0;
export const REASON_EXPIRED = 1;
export const REASON_EVICTED = 2;
/**
 * A write gave the key an expiry that has already passed (SET ... PXAT in the past, EXPIRE
 * with a past time through the store): counted as expired, but not reported to
 * Store.onRemoved, since the command reports its own event (Redis sends "del" there).
 */
export const REASON_PAST_EXPIRY = 3;
