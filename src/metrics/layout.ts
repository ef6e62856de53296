// The shared counters buffer's layout: COUNTER_WORDS hot-path counters (counters.ts), then
// COMMAND_SLOTS per-command statistics slots (commands.ts), each 4 counts and a latency
// histogram. One buffer, so a Worker's data plane hands the main thread all of it at once.

/** Words the counters use (counters.ts Counter indexes stay below this). */
export const COUNTER_WORDS = 32;

/** Most command slots (commands and subcommands) the buffer has room for. */
export const COMMAND_SLOTS = 512;

// Latency buckets, log-linear over nanoseconds: 0..7 ns one each, then 8 per power of two
// (each at most 12.5% wide) up to 2^38 ns (about 275 s); slower calls land in the last.
export const SUB_BITS = 3;
export const MAX_EXPONENT = 37;
export const LATENCY_BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) << SUB_BITS;

/** Per slot: calls, nanoseconds, rejected, failed, then the histogram. */
export const SLOT_HEADER_WORDS = 4;
export const SLOT_WORDS = SLOT_HEADER_WORDS + LATENCY_BUCKETS;

export const SHARED_BYTES = (COUNTER_WORDS + COMMAND_SLOTS * SLOT_WORDS) * Float64Array.BYTES_PER_ELEMENT;
