import { lowerAscii } from "./bytes.ts";

/**
 * Redis's stringmatchlen on bytes: '*', '?', '[...]' with ranges and '^' negation, '\\'
 * escapes. Used by KEYS, SCAN MATCH and (later) pub/sub patterns.
 */
export function globMatch(
  pattern: Uint8Array, pOff: number, pLen: number,
  str: Uint8Array, sOff: number, sLen: number,
  noCase = false,
  depth = 0,
): boolean {
  // Redis bounds recursion the same way, so a pathological pattern cannot blow the stack.
  if (depth > 1000) return false;
  let p = pOff;
  const pEnd = pOff + pLen;
  let s = sOff;
  const sEnd = sOff + sLen;
  while (p < pEnd && s <= sEnd) {
    const c = pattern[p];
    if (c === 42 /* * */) {
      while (p + 1 < pEnd && pattern[p + 1] === 42) p++;
      if (p + 1 === pEnd) return true;
      for (let k = s; k <= sEnd; k++) {
        if (globMatch(pattern, p + 1, pEnd - p - 1, str, k, sEnd - k, noCase, depth + 1)) return true;
      }
      return false;
    }
    if (s === sEnd) return false;
    if (c === 63 /* ? */) {
      s++;
      p++;
      continue;
    }
    if (c === 91 /* [ */) {
      p++;
      const negate = p < pEnd && pattern[p] === 94;
      if (negate) p++;
      let matched = false;
      const ch = noCase ? lowerAscii(str[s]) : str[s];
      for (;;) {
        if (p >= pEnd) {
          p--;
          break;
        }
        if (pattern[p] === 92 && p + 2 < pEnd + 1 && p + 1 < pEnd) {
          p++;
          if ((noCase ? lowerAscii(pattern[p]) : pattern[p]) === ch) matched = true;
        } else if (pattern[p] === 93) {
          break;
        } else if (p + 2 < pEnd && pattern[p + 1] === 45) {
          let lo = pattern[p];
          let hi = pattern[p + 2];
          if (lo > hi) [lo, hi] = [hi, lo];
          if (noCase) {
            lo = lowerAscii(lo);
            hi = lowerAscii(hi);
          }
          p += 2;
          if (ch >= lo && ch <= hi) matched = true;
        } else if ((noCase ? lowerAscii(pattern[p]) : pattern[p]) === ch) {
          matched = true;
        }
        p++;
      }
      if (negate) matched = !matched;
      if (!matched) return false;
      s++;
      p++;
      continue;
    }
    let lit = c;
    if (c === 92 /* \ */ && p + 1 < pEnd) {
      p++;
      lit = pattern[p];
    }
    if (noCase ? lowerAscii(lit) !== lowerAscii(str[s]) : lit !== str[s]) return false;
    s++;
    p++;
  }
  while (p < pEnd && pattern[p] === 42) p++;
  return p === pEnd && s === sEnd;
}
