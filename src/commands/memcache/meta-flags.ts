// The flags of memcached's meta commands (mg, ms, md, ma): one pass over the flag tokens as
// memcached 1.6.18's _meta_flag_preparse makes it, into one reused record, plus the number
// parsers with memcached's exact acceptance (safe_strtol / safe_strtoul / safe_strtoull).
import { MAX_KEY_BYTES, type TextParser } from "../../protocol/memcache/index.ts";
import { utf8 } from "../../stdx/index.ts";
import { base64Decode } from "./meta-base64.ts";

/** memcached's MFLAG_MAX_OPT_LENGTH: a meta line of this many tokens or more is refused. */
export const MAX_META_TOKENS = 20;
/** memcached's MFLAG_MAX_OPAQUE_LENGTH: an O token (the 'O' included) longer than this is refused. */
export const MAX_OPAQUE_BYTES = 32;

export const MetaErr = {
  BAD_FORMAT: utf8("CLIENT_ERROR bad command line format\r\n"),
  DUPLICATE: utf8("CLIENT_ERROR duplicate flag\r\n"),
  INVALID: utf8("CLIENT_ERROR invalid flag\r\n"),
  INVALID_OR_DUPLICATE: utf8("CLIENT_ERROR invalid or duplicate flag\r\n"),
  BAD_TOKEN: utf8("CLIENT_ERROR bad token in command line format\r\n"),
  DECODING_KEY: utf8("CLIENT_ERROR error decoding key\r\n"),
  M_LENGTH: utf8("CLIENT_ERROR incorrect length for M token\r\n"),
  BAD_INITIAL: utf8("CLIENT_ERROR invalid numeric initial value\r\n"),
  BAD_DELTA: utf8("CLIENT_ERROR invalid numeric delta value\r\n"),
  OPAQUE_TOO_LONG: utf8("CLIENT_ERROR opaque token too long\r\n"),
  /** mg words it differently from ms, md and ma. */
  MG_TOO_MANY_FLAGS: utf8("CLIENT_ERROR options flags are too long\r\n"),
  TOO_MANY_FLAGS: utf8("CLIENT_ERROR options flags too long\r\n"),
  MS_MODE: utf8("CLIENT_ERROR invalid mode for ms M token\r\n"),
  MA_MODE: utf8("CLIENT_ERROR invalid mode for ma M token\r\n"),
  OUT_OF_MEMORY: utf8("SERVER_ERROR out of memory\r\n"),
} as const;

/** The request's flags, filled by preparse(); one record reused by every request. */
export const flags = {
  /** q: suppress the nominal reply (EN for mg, HD for ms/md/ma). */
  noReply: false,
  /** v: return the value. */
  value: false,
  /** b: the key token was base64; `key` holds the decoded bytes. */
  keyBinary: false,
  /** N: create the item on a miss (mg, ma). */
  vivify: false,
  /** T given: exptime holds its value. */
  newTtl: false,
  /** I: invalidate (md) / allow a stale set (ms). */
  setStale: false,
  /** C given: reqCas holds it. */
  hasCas: false,
  /** u: do not bump the item's access metadata. */
  noUpdate: false,
  /** h or l: report the access state as it was before this fetch bumps it. */
  preBump: false,
  /** x (md only): replace the value with an empty one instead of deleting. */
  removeValue: false,
  /** M's mode character (0: none). */
  mode: 0,
  /** T, N, R values: memcached exptimes (int32 seconds, relative up to 30 days). */
  exptime: 0,
  autovivExptime: 0,
  recacheTime: 0,
  /** F: client flags (u32). */
  clientFlags: 0,
  /** C: exact below 2^53; a larger one matches no CAS Crucible hands out. */
  reqCas: 0,
  /** D and J (ma). */
  delta: 1n,
  initial: 0n,
  /** The error reply when preparse() failed. */
  error: MetaErr.BAD_FORMAT as Uint8Array,
  /** The key to use: the request's token, or the decoded bytes of a `b` key. */
  key: new Uint8Array(0) as Uint8Array,
  keyOff: 0,
  keyLen: 0,
};

const decodedKey = new Uint8Array(MAX_KEY_BYTES);
/** seen[c] === generation when flag c appeared in this request (no clearing per request). */
const seen = new Uint32Array(128);
let generation = 0;

const ONE = 1n;
const ZERO = 0n;

/**
 * Parse the flag tokens from `first` on, as memcached does: a repeated flag or a first byte
 * at or above 127 fails at once ("duplicate flag"), an unknown flag fails at once ("invalid
 * flag"); a bad flag value records its error and parsing goes on, so a later error's text
 * wins. `x` is accepted only where `allowX` (md). False when the request must be refused
 * with flags.error.
 */
export function preparse(p: TextParser, first: number, allowX: boolean): boolean {
  const f = flags;
  resetFlags(p);
  if (++generation === 0xffffffff) {
    seen.fill(0);
    generation = 1;
  }
  const { buf, off, len } = p;
  let failed = false;
  for (let i = first; i < p.ntokens; i++) {
    const o = buf[off[i]];
    if (o >= 127 || seen[o] === generation) {
      f.error = MetaErr.DUPLICATE;
      return false;
    }
    seen[o] = generation;
    switch (o) {
      case 98: // b
        f.keyBinary = true;
        f.keyLen = base64Decode(buf, off[1], len[1], decodedKey);
        f.key = decodedKey;
        f.keyOff = 0;
        if (f.keyLen === 0) {
          f.error = MetaErr.DECODING_KEY;
          failed = true;
        }
        break;
      case 78: // N
        f.vivify = true;
        if (!parseI32(buf, off[i] + 1, len[i] - 1)) {
          f.error = MetaErr.BAD_TOKEN;
          failed = true;
        } else {
          f.autovivExptime = parsed.i32;
        }
        break;
      case 84: // T
        if (!parseI32(buf, off[i] + 1, len[i] - 1)) {
          f.error = MetaErr.BAD_TOKEN;
          failed = true;
        } else {
          f.exptime = parsed.i32;
          f.newTtl = true;
        }
        break;
      case 82: // R
        if (!parseI32(buf, off[i] + 1, len[i] - 1)) {
          f.error = MetaErr.BAD_TOKEN;
          failed = true;
        } else {
          f.recacheTime = parsed.i32;
        }
        break;
      case 108: // l
      case 104: // h
        f.preBump = true;
        break;
      case 79: // O
      case 80: // P
      case 76: // L
      case 107: // k
      case 115: // s
      case 116: // t
      case 99: // c
      case 102: // f
        break;
      case 118: // v
        f.value = true;
        break;
      case 117: // u
        f.noUpdate = true;
        break;
      case 113: // q
        f.noReply = true;
        break;
      case 70: // F: memcached sets no error text of its own for it
        if (!parseU64(buf, off[i] + 1, len[i] - 1)) failed = true;
        else f.clientFlags = u32Of(parsed);
        break;
      case 67: // C
        if (!parseU64(buf, off[i] + 1, len[i] - 1)) {
          f.error = MetaErr.BAD_TOKEN;
          failed = true;
        } else {
          f.hasCas = true;
          f.reqCas = parsed.value;
        }
        break;
      case 77: // M
        if (len[i] !== 2) {
          f.error = MetaErr.M_LENGTH;
          failed = true;
        } else {
          f.mode = buf[off[i] + 1];
        }
        break;
      case 74: // J
        if (!parseU64(buf, off[i] + 1, len[i] - 1)) {
          f.error = MetaErr.BAD_INITIAL;
          failed = true;
        } else {
          f.initial = exactU64(parsed);
        }
        break;
      case 68: // D
        if (!parseU64(buf, off[i] + 1, len[i] - 1)) {
          f.error = MetaErr.BAD_DELTA;
          failed = true;
        } else {
          f.delta = exactU64(parsed);
        }
        break;
      case 73: // I
        f.setStale = true;
        break;
      case 120: // x
        if (!allowX) {
          f.error = MetaErr.INVALID;
          return false;
        }
        f.removeValue = true;
        break;
      default:
        f.error = MetaErr.INVALID;
        return false;
    }
  }
  return !failed;
}

function resetFlags(p: TextParser): void {
  const f = flags;
  f.noReply = false;
  f.value = false;
  f.keyBinary = false;
  f.vivify = false;
  f.newTtl = false;
  f.setStale = false;
  f.hasCas = false;
  f.noUpdate = false;
  f.preBump = false;
  f.removeValue = false;
  f.mode = 0;
  f.exptime = 0;
  f.autovivExptime = 0;
  f.recacheTime = 0;
  f.clientFlags = 0;
  f.reqCas = 0;
  f.delta = ONE;
  f.initial = ZERO;
  f.error = MetaErr.BAD_FORMAT;
  f.key = p.buf;
  f.keyOff = p.off[1];
  f.keyLen = p.len[1];
}

/** `me <key> b`: the key decoded into flags.key; false when it does not decode. */
export function decodeKeyOnly(p: TextParser): boolean {
  resetFlags(p);
  flags.keyBinary = true;
  flags.key = decodedKey;
  flags.keyOff = 0;
  flags.keyLen = base64Decode(p.buf, p.off[1], p.len[1], decodedKey);
  return flags.keyLen > 0;
}

/** Results of the number parsers (valid after one returned true). */
export const parsed = {
  /** parseI32: the value truncated to int32, as memcached stores strtol's long in an int32_t. */
  i32: 0,
  /** parseU64: the value as a double (exact below 2^53). */
  value: 0,
  /** parseU64: the exact value when it is 2^53 or more or was written with a sign, else -1n. */
  big: -1n,
};

const TWO_POW_63 = 1n << 63n;
const TWO_POW_64 = 1n << 64n;

/**
 * strtol into a 64-bit long, then into int32_t (safe_strtol on a 64-bit build): optional
 * sign, at least one digit, nothing after; out of long's range fails (ERANGE).
 */
export function parseI32(buf: Uint8Array, off: number, len: number): boolean {
  let i = off;
  const end = off + len;
  let neg = false;
  if (i < end && (buf[i] === 45 || buf[i] === 43)) neg = buf[i++] === 45;
  if (i === end) return false;
  if (end - i <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) return false;
      v = v * 10 + d;
    }
    parsed.i32 = (neg ? -v : v) | 0;
    return true;
  }
  const v = bigDigits(buf, i, end);
  if (v < 0n || v > (neg ? TWO_POW_63 : TWO_POW_63 - 1n)) return false;
  parsed.i32 = Number(BigInt.asIntN(32, neg ? -v : v));
  return true;
}

/**
 * strtoull as safe_strtoull (and safe_strtoul on a 64-bit build) take it: optional sign, at
 * least one digit, nothing after, at most 2^64-1; a '-' is accepted only when the negated
 * value reads as a non-negative signed 64-bit number ("-0" is 0).
 */
export function parseU64(buf: Uint8Array, off: number, len: number): boolean {
  const end = off + len;
  if (len > 0 && len <= 15 && buf[off] !== 45 && buf[off] !== 43) {
    let v = 0;
    for (let i = off; i < end; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) return false;
      v = v * 10 + d;
    }
    parsed.value = v;
    parsed.big = -1n;
    return true;
  }
  let i = off;
  let neg = false;
  if (i < end && (buf[i] === 45 || buf[i] === 43)) neg = buf[i++] === 45;
  if (i === end) return false;
  let v = bigDigits(buf, i, end);
  if (v < 0n || v >= TWO_POW_64) return false;
  if (neg) {
    v = (TWO_POW_64 - v) % TWO_POW_64;
    if (v >= TWO_POW_63) return false;
  }
  parsed.value = Number(v);
  parsed.big = v;
  return true;
}

/** Digits only, as a bigint; -1n when a byte is not a digit. */
function bigDigits(buf: Uint8Array, from: number, to: number): bigint {
  let v = 0n;
  for (let i = from; i < to; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return -1n;
    v = v * 10n + BigInt(d);
  }
  return v;
}

function exactU64(r: typeof parsed): bigint {
  return r.big >= 0n ? r.big : BigInt(r.value);
}

/** A u64 flag value stored in a uint32_t (truncated, as memcached's F). */
function u32Of(r: typeof parsed): number {
  return r.big >= 0n ? Number(r.big & 0xffffffffn) : r.value % 4294967296;
}
