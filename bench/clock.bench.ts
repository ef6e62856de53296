/**
 * The per-command clock (dispatch.ts): Bun.nanoseconds() against the shim's time-stamp
 * counter read through bun:ffi, each with the statistics update that follows it.
 *
 *   bun bench/clock.bench.ts
 */
import { bench, run, summary } from "mitata";
import { loadShim, tickClock } from "../ffi/index.ts";
import { recordCall } from "../src/metrics/index.ts";

const shim = await loadShim();
const tsc = tickClock(shim.loaded ? shim.shim : null);
console.log(`tick clock: ${tsc.source}`);
let sink = 0;

summary(() => {
  bench("Bun.nanoseconds()", () => {
    sink += Bun.nanoseconds();
  });
  bench("tick clock now()", () => {
    sink += tsc.now();
  });
  bench("one command: Bun.nanoseconds() + recordCall", () => {
    const t = Bun.nanoseconds();
    recordCall(1, t - sink, false);
    sink = t;
  });
  bench("one command: tick clock + recordCall", () => {
    const t = tsc.now();
    recordCall(1, (t - sink) * tsc.nsPerTick, false);
    sink = t;
  });
});

await run();
