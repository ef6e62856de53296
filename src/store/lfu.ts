// Redis's LFU (object.c / evict.c): an 8-bit logarithmic counter that a hit increments with
// probability 1 / ((counter - LFU_INIT) * log_factor + 1), and that decays by one per
// decay period of idleness. Defaults as Redis: lfu-log-factor 10, lfu-decay-time 1 minute
// (CONFIG SET changes both at runtime; 0 minutes = never decay). New items start at
// LFU_INIT so they are not evicted at once.

export const LFU_INIT = 5;
export const LFU_LOG_FACTOR = 10;
export const LFU_DECAY_SECONDS = 60;

/** The counter after `idleSeconds` without access: one less per `decaySeconds` (0 = never decays). */
export function lfuDecay(counter: number, idleSeconds: number, decaySeconds = LFU_DECAY_SECONDS): number {
  if (decaySeconds <= 0 || idleSeconds < decaySeconds) return counter;
  const periods = Math.floor(idleSeconds / decaySeconds);
  return periods >= counter ? 0 : counter - periods;
}

/** `random01` in [0, 1). */
export function lfuIncrement(counter: number, random01: number, logFactor = LFU_LOG_FACTOR): number {
  if (counter === 255) return 255;
  let base = counter - LFU_INIT;
  if (base < 0) base = 0;
  return random01 * (base * logFactor + 1) < 1 ? counter + 1 : counter;
}
