// Eviction policy ids (index in EvictionPolicies) and removal reasons.

export const POLICY_FIFO = 0;
export const POLICY_RANDOM = 1;
export const POLICY_S3FIFO = 2;
export const POLICY_NOEVICTION = 3;

export const REASON_DELETED = 0;
export const REASON_EXPIRED = 1;
export const REASON_EVICTED = 2;
