// Error replies by their code, the first word of the message (Redis's errorstats): exact
// codes for INFO errorstats in the thread that replies, and the common ones in the shared
// counters buffer for /metrics.

import { Counter, counters } from "./counters.ts";

/** The codes /metrics counts by name; any other counts as "other". */
export const errorTypes = [
  "ERR", "WRONGTYPE", "OOM", "EXECABORT", "NOSCRIPT", "NOAUTH", "NOPERM", "BUSY", "LOADING", "READONLY", "NOPROTO", "UNBLOCKED", "other",
] as const;

const TYPE_INDEX = new Map<string, number>(errorTypes.map((t, i) => [t, i]));

/** Redis stops tracking new codes past this many (errorstats' limit). */
const MAX_CODES = 128;

export class ErrorStats {
  /** Count per exact code, in first-seen order. */
  readonly byCode = new Map<string, number>();

  record(text: string): void {
    counters[Counter.errorReplies]++;
    let end = text.indexOf(" ");
    if (end < 0) end = text.length;
    const code = text.slice(0, end);
    const n = this.byCode.get(code);
    if (n !== undefined) this.byCode.set(code, n + 1);
    else if (this.byCode.size < MAX_CODES) this.byCode.set(code, 1);
    counters[Counter.errorsByType + (TYPE_INDEX.get(code) ?? errorTypes.length - 1)]++;
  }

  reset(): void {
    this.byCode.clear();
  }
}

/** Error replies of errorTypes[i] so far (shared: a Worker's count, read on the main thread). */
export function errorCount(i: number): number {
  return counters[Counter.errorsByType + i];
}
