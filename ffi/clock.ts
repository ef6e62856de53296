// The clock that times every command (dispatch.ts): the shim's time-stamp counter where it
// is invariant, calibrated against Bun.nanoseconds(); otherwise Bun.nanoseconds() itself,
// with the reason. Reading the counter through bun:ffi costs about a third of
// Bun.nanoseconds() on a VM's clock source (bench/clock.bench.ts).

import type { Shim } from "./shim.ts";

export interface TickClock {
  /** The current tick; differences times nsPerTick are nanoseconds. */
  now: () => number;
  nsPerTick: number;
  /** What is being read: "tsc (2.45 GHz)" or "Bun.nanoseconds (why)". */
  source: string;
  /** Refine nsPerTick over the whole time since the clock was made (call it now and then). */
  recalibrate(): void;
}

/** Long enough for a first rate within about 0.1%, short enough not to delay start-up. */
const CALIBRATE_NS = 5_000_000;

/** This thread's counter clock, calibrated once. */
let calibrated: TickClock | null = null;

export function tickClock(shim: Shim | null): TickClock {
  if (shim === null) return nanosecondClock("the native shim is not loaded");
  calibrated ??= counterClock(shim);
  return calibrated;
}

function counterClock(shim: Shim): TickClock {
  if (shim.crucible_tsc_invariant() !== 1) return nanosecondClock("the CPU has no invariant time-stamp counter");
  const ticks = shim.crucible_ticks;
  const ns0 = Bun.nanoseconds();
  const t0 = ticks();
  let ns1 = ns0;
  while (ns1 - ns0 < CALIBRATE_NS) ns1 = Bun.nanoseconds();
  const t1 = ticks();
  if (!(t1 > t0)) return nanosecondClock("the time-stamp counter did not advance");
  const clock: TickClock = {
    now: ticks,
    nsPerTick: (ns1 - ns0) / (t1 - t0),
    source: "",
    recalibrate() {
      const ns = Bun.nanoseconds();
      const t = ticks();
      if (t > t0 && ns > ns0) clock.nsPerTick = (ns - ns0) / (t - t0);
    },
  };
  clock.source = `tsc (${(1 / clock.nsPerTick).toFixed(2)} GHz)`;
  return clock;
}

function nanosecondClock(why: string): TickClock {
  return { now: Bun.nanoseconds, nsPerTick: 1, source: `Bun.nanoseconds (${why})`, recalibrate() {} };
}
