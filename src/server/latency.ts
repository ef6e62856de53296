// The latency monitor (Redis's latency.c): per event ("command", "fast-command", ...), the
// last 160 seconds with a sample at least latency-monitor-threshold ms long (one per
// second, the largest), and the largest ever.

const HISTORY = 160;

export interface LatencySample {
  /** Unix seconds. */
  time: number;
  ms: number;
}

export interface LatencyEvent {
  samples: LatencySample[];
  maxMs: number;
}

export class LatencyMonitor {
  readonly events = new Map<string, LatencyEvent>();

  add(event: string, ms: number): void {
    const now = Math.floor(Date.now() / 1000);
    let e = this.events.get(event);
    if (e === undefined) this.events.set(event, (e = { samples: [], maxMs: 0 }));
    if (ms > e.maxMs) e.maxMs = ms;
    const last = e.samples[e.samples.length - 1];
    if (last !== undefined && last.time === now) {
      if (ms > last.ms) last.ms = ms;
      return;
    }
    e.samples.push({ time: now, ms });
    if (e.samples.length > HISTORY) e.samples.shift();
  }

  /** Forget the named events (all when none are named); how many were there. */
  reset(names: string[]): number {
    if (names.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of names) if (this.events.delete(name)) n++;
    return n;
  }
}
