/** Server facilities memcache's admin commands need (implemented by src/server). */
export interface MemcacheHooks {
  /** STAT name/value pairs of `stats <section>` ("" = general); null when there is no such section. */
  stats(section: string): [string, string | number][] | null;
  /** `stats reset`. */
  resetStats(): void;
  /**
   * flush_all: drop every key of database 0 now (delayMs 0) or once delayMs have passed; a
   * later flush_all replaces a pending one, as memcached keeps one flush time.
   */
  flushAll(delayMs: number): void;
  /** `verbosity N`. */
  setVerbosity(level: number): void;
}
