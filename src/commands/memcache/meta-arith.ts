// ma <key> <flags>*: memcached's meta arithmetic. Increments (M I or +, the default) or
// decrements (M D or -) by D (default 1); N creates a missing item holding J (default 0).
// Answers HD, or "VA <len>" and the number with v; NF (missing), EX (C did not match), with
// the c, t, O and k return flags in request order. q suppresses the reply of a changed item
// (not of a created one, nor NF/EX: memcached 1.6.18).
import { MAX_KEY_BYTES, Replies, type TextParser } from "../../protocol/memcache/index.ts";
import { ItemType, SetMode, SetStatus } from "../../store/index.ts";
import type { Ctx } from "../types.ts";
import { McStat, mcStats } from "./counters.ts";
import { EXPIRED, expiryMs } from "./expiry.ts";
import { flags, MAX_META_TOKENS, MAX_OPAQUE_BYTES, MetaErr, preparse } from "./meta-flags.ts";
import { applyExpiry, opaqueTooLong, putOpaqueAndKey, ttlSeconds } from "./meta-item.ts";
import { itemState, setItemState } from "./meta-state.ts";
import { putAscii, putCode, putCrlf, putFlagMinusOne, putFlagNumber, putKey, putToken, putValueHeader } from "./meta-write.ts";
import { Arith, arith, arithResult, MC_DB } from "./storage.ts";

/** The item ma answers about (after a change or a creation). */
const result = { digits: "", cas: 0, expiryMs: 0, created: false };

export function metaArith(c: Ctx, p: TextParser): void {
  const r = c.reply;
  const n = p.ntokens;
  if (n < 2) return r.raw(Replies.ERROR);
  if (p.len[1] > MAX_KEY_BYTES) return r.raw(MetaErr.BAD_FORMAT);
  if (n >= MAX_META_TOKENS) return r.raw(MetaErr.TOO_MANY_FLAGS);
  if (!preparse(p, 2, false)) return r.raw(MetaErr.INVALID_OR_DUPLICATE);
  const f = flags;
  let incr: boolean;
  switch (f.mode) {
    case 0:
    case 73: // I
    case 43: // +
      incr = true;
      break;
    case 68: // D
    case 45: // -
      incr = false;
      break;
    default:
      return r.raw(MetaErr.MA_MODE);
  }
  const store = c.store;
  const { key, keyOff, keyLen } = f;
  // memcached's do_add_delta checks, in order: missing, empty value, CAS, then the number.
  if (!store.peek(MC_DB, key, keyOff, keyLen)) {
    if (f.vivify) return create(c, p);
    mcStats[incr ? McStat.incr_misses : McStat.decr_misses]++;
    return noItem(c, p, 78, 70); // NF
  }
  if (store.itemType === ItemType.String && store.valueLength === 0) return r.raw(Replies.NON_NUMERIC);
  if (f.hasCas && f.reqCas !== 0 && store.itemCas !== f.reqCas) return noItem(c, p, 69, 88); // EX
  const oldCas = store.itemCas;
  const oldLength = store.valueLength;
  const outcome = arith(c, incr, key, keyOff, keyLen, f.delta);
  if (outcome === Arith.NonNumeric) return r.raw(Replies.NON_NUMERIC);
  if (outcome === Arith.NoMemory) return r.raw(MetaErr.OUT_OF_MEMORY);
  if (outcome === Arith.NotFound) return noItem(c, p, 78, 70);
  // arith() left the changed item in the store's registers.
  result.digits = arithResult.value.toString();
  result.cas = arithResult.cas;
  result.expiryMs = store.itemExpiryMs;
  result.created = false;
  carryState(oldCas, oldLength);
  itemReply(c, p);
}

/**
 * memcached rewrites a number that still fits in place, keeping the item's stale and
 * token-sent bits; a longer one goes into a new item without them. (In place also needs
 * nobody else to hold the item, e.g. a pipelined mg's reply not yet written: that case
 * memcached answers as a new item, Crucible as in place.)
 */
function carryState(oldCas: number, oldLength: number): void {
  const state = itemState(oldCas);
  if (state === 0) return;
  setItemState(oldCas, 0);
  if (result.digits.length <= oldLength) setItemState(result.cas, state);
}

/** N on a miss: the item is created holding J, with flags 0 and no TTL (N and T set one after). */
function create(c: Ctx, p: TextParser): void {
  const f = flags;
  const store = c.store;
  const digits = f.initial.toString();
  const bytes = c.scratch(digits.length);
  for (let i = 0; i < digits.length; i++) bytes[i] = digits.charCodeAt(i);
  const status = store.set(MC_DB, f.key, f.keyOff, f.keyLen, bytes, 0, digits.length, 0, 0, SetMode.NX);
  if (status === SetStatus.OutOfMemory || status === SetStatus.TooLarge) return c.reply.raw(MetaErr.OUT_OF_MEMORY);
  if (status !== SetStatus.Stored || !store.peek(MC_DB, f.key, f.keyOff, f.keyLen)) return noItem(c, p, 78, 83); // NS
  mcStats[McStat.total_items]++;
  result.digits = digits;
  result.cas = store.itemCas;
  result.expiryMs = 0;
  result.created = true;
  itemReply(c, p);
}

/** NF, EX or NS, with O and k. */
function noItem(c: Ctx, p: TextParser, a: number, b: number): void {
  const r = c.reply;
  if (opaqueTooLong(p, 2)) return r.raw(MetaErr.OPAQUE_TOO_LONG);
  putCode(r, a, b);
  putOpaqueAndKey(r, p, 2);
  putCrlf(r);
}

function itemReply(c: Ctx, p: TextParser): void {
  const f = flags;
  const r = c.reply;
  const { buf, off, len } = p;
  const now = c.nowMs();
  const mark = r.pos;
  const digits = result.digits;
  let exp = result.expiryMs;
  let expChanged = false;
  if (f.value) putValueHeader(r, digits.length);
  else putCode(r, 72, 68); // HD
  for (let i = 2; i < p.ntokens; i++) {
    switch (buf[off[i]]) {
      case 99: // c
        putFlagNumber(r, 99, result.cas);
        break;
      case 116: { // t: as the walk has left the TTL so far
        const ttl = ttlSeconds(exp, now);
        if (ttl < 0) putFlagMinusOne(r, 116);
        else putFlagNumber(r, 116, ttl);
        break;
      }
      case 84: // T
        exp = expiryMs(f.exptime, now);
        expChanged = true;
        break;
      case 78: // N
        if (result.created) {
          exp = expiryMs(f.autovivExptime, now);
          expChanged = true;
        }
        break;
      case 79: // O
        if (len[i] > MAX_OPAQUE_BYTES) {
          r.pos = mark;
          r.raw(MetaErr.OPAQUE_TOO_LONG);
          if (expChanged) applyExpiry(c.store, f.key, f.keyOff, f.keyLen, exp);
          return;
        }
        putToken(r, buf, off[i], len[i]);
        break;
      case 107: // k
        putKey(r, f.key, f.keyOff, f.keyLen, f.keyBinary);
        break;
    }
  }
  if (f.value) {
    putCrlf(r);
    putAscii(r, digits);
  }
  putCrlf(r);
  if (expChanged && (exp !== result.expiryMs || exp === EXPIRED)) applyExpiry(c.store, f.key, f.keyOff, f.keyLen, exp);
  if (f.noReply && !result.created) r.pos = mark;
}
