/** The Redis version whose commands and replies Crucible follows; clients feature-detect on it. */
export const REDIS_VERSION = "7.0.0";
