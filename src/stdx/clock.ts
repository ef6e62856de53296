/**
 * Wall-clock milliseconds. One function so the store and the server can be handed a fake
 * clock in tests; Date.now() is already cheap in Bun, so no caching thread is needed.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock for tests that moves only when told to. */
export function manualClock(startMs = 1_700_000_000_000): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = startMs;
  const clock = (() => now) as Clock & { advance(ms: number): void; set(ms: number): void };
  clock.advance = (ms: number) => {
    now += ms;
  };
  clock.set = (ms: number) => {
    now = ms;
  };
  return clock;
}
