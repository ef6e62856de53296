// mg <key> <flags>*: memcached 1.6.18's meta get. A hit answers "VA <size> <flags>*" and the
// value, or "HD <flags>*" without v; a miss answers "EN" (suppressed by q). Return flags come
// in request order; W/X/Z (recache token won, item stale, token already sent) close the line.
import { MAX_KEY_BYTES, Replies, type TextParser, writeBytes } from "../../protocol/memcache/index.ts";
import { ItemType, SetMode, SetStatus } from "../../store/index.ts";
import type { Ctx } from "../types.ts";
import { McStat, mcStats } from "./counters.ts";
import { EXPIRED, expiryMs, RELATIVE_EXPTIME_MAX_SECS } from "./expiry.ts";
import { flags, MAX_META_TOKENS, MAX_OPAQUE_BYTES, MetaErr, preparse } from "./meta-flags.ts";
import { applyExpiry, opaqueTooLong, peekString, putOpaqueAndKey, ttlSeconds } from "./meta-item.ts";
import { ItemState, itemState, setItemState } from "./meta-state.ts";
import { putCode, putCrlf, putFlag, putFlagMinusOne, putFlagNumber, putKey, putToken, putValueHeader } from "./meta-write.ts";
import { itemFetched, MC_DB } from "./storage.ts";

const EMPTY = new Uint8Array(0);

export function metaGet(c: Ctx, p: TextParser): void {
  const r = c.reply;
  const n = p.ntokens;
  if (n < 2) return r.raw(Replies.ERROR);
  if (p.len[1] > MAX_KEY_BYTES) return r.raw(MetaErr.BAD_FORMAT);
  if (n >= MAX_META_TOKENS) return r.raw(MetaErr.MG_TOO_MANY_FLAGS);
  if (!preparse(p, 2, false)) return r.raw(flags.error);
  const f = flags;
  const store = c.store;
  const now = c.nowMs();
  // h and l report the access state before this fetch bumps it: look without bumping, bump after.
  const found = f.noUpdate || f.preBump
    ? peekString(store, f.key, f.keyOff, f.keyLen)
    : store.find(MC_DB, f.key, f.keyOff, f.keyLen) && store.itemType === ItemType.String;
  if (found) return hit(c, p, false, now);
  if (f.vivify && vivify(c, now)) return hit(c, p, true, now);
  miss(c, p);
}

/** N on a miss: an empty item (flags 0) takes the key; this client wins its recache token. */
function vivify(c: Ctx, now: number): boolean {
  const f = flags;
  const store = c.store;
  const exp = expiryMs(f.autovivExptime, now);
  // Dead on arrival (N-1) is still answered as a hit, as memcached does, and removed after.
  const status = store.set(MC_DB, f.key, f.keyOff, f.keyLen, EMPTY, 0, 0, exp === EXPIRED ? 0 : exp, 0, SetMode.NX);
  if (status !== SetStatus.Stored) return false;
  mcStats[McStat.total_items]++;
  return store.peek(MC_DB, f.key, f.keyOff, f.keyLen);
}

function miss(c: Ctx, p: TextParser): void {
  const r = c.reply;
  mcStats[McStat.cmd_get]++;
  mcStats[McStat.get_misses]++;
  if (opaqueTooLong(p, 2)) return r.raw(MetaErr.OPAQUE_TOO_LONG);
  if (flags.noReply) return;
  putCode(r, 69, 78); // EN
  putOpaqueAndKey(r, p, 2);
  putCrlf(r);
}

/** The store's registers hold the item (found, or just created by N). */
function hit(c: Ctx, p: TextParser, created: boolean, now: number): void {
  const f = flags;
  const r = c.reply;
  const store = c.store;
  const { buf, off, len } = p;
  const mark = r.pos;
  const cas = store.itemCas;
  const valueLen = store.valueLength;
  // A created item starts without expiry; its N token sets one, as the flags are walked.
  let exp = created ? 0 : store.itemExpiryMs;
  const state = itemState(cas);
  let won = false;
  let ttlSet = false;
  if (f.value) {
    putValueHeader(r, valueLen);
  } else {
    putCode(r, 72, 68); // HD
  }
  for (let i = 2; i < p.ntokens; i++) {
    switch (buf[off[i]]) {
      case 84: // T
        ttlSet = true;
        exp = expiryMs(f.exptime, now);
        break;
      case 78: // N
        if (created) {
          exp = expiryMs(f.autovivExptime, now);
          won = true;
        }
        break;
      case 82: // R
        if ((state & ItemState.TokenSent) === 0 && !created && exp !== 0 && recacheWins(exp, now)) won = true;
        break;
      case 115: // s
        putFlagNumber(r, 115, valueLen);
        break;
      case 116: { // t
        const ttl = ttlSeconds(exp, now);
        if (ttl < 0) putFlagMinusOne(r, 116);
        else putFlagNumber(r, 116, ttl);
        break;
      }
      case 99: // c
        putFlagNumber(r, 99, cas);
        break;
      case 102: // f
        putFlagNumber(r, 102, store.itemFlags);
        break;
      case 108: // l
        putFlagNumber(r, 108, Math.floor(store.itemIdleMs() / 1000));
        break;
      case 104: // h
        putFlagNumber(r, 104, itemFetched(c) ? 1 : 0);
        break;
      case 79: // O
        if (len[i] > MAX_OPAQUE_BYTES) {
          r.pos = mark;
          r.raw(MetaErr.OPAQUE_TOO_LONG);
          // memcached has already applied a T that came before the bad token.
          if (ttlSet || created) applyExpiry(store, f.key, f.keyOff, f.keyLen, exp);
          return;
        }
        putToken(r, buf, off[i], len[i]);
        break;
      case 107: // k
        putKey(r, f.key, f.keyOff, f.keyLen, f.keyBinary);
        break;
    }
  }
  // Z before W, so a client never sees both.
  if ((state & ItemState.TokenSent) !== 0) putFlag(r, 90);
  if ((state & ItemState.Stale) !== 0) {
    putFlag(r, 88);
    if ((state & ItemState.TokenSent) === 0) won = true;
  }
  if (won) {
    putFlag(r, 87);
    setItemState(cas, state | ItemState.TokenSent);
  }
  putCrlf(r);
  if (f.value) {
    r.ensure(valueLen + 2);
    writeBytes(r, store.buf, store.valueOffset, valueLen);
    putCrlf(r);
  }
  // The reply holds the value now: the store may move the item.
  if (f.preBump && !f.noUpdate) store.find(MC_DB, f.key, f.keyOff, f.keyLen);
  if (ttlSet || (created && exp === EXPIRED)) applyExpiry(store, f.key, f.keyOff, f.keyLen, exp);
  if (ttlSet) {
    mcStats[McStat.cmd_touch]++;
    mcStats[McStat.touch_hits]++;
  } else {
    mcStats[McStat.cmd_get]++;
    mcStats[McStat.get_hits]++;
  }
}

/**
 * R<secs>: the item's remaining TTL is below the threshold (memcached compares whole seconds).
 * A threshold of 0 or less never wins; one beyond 30 days is a Unix time.
 */
function recacheWins(exp: number, now: number): boolean {
  const threshold = flags.recacheTime;
  if (threshold <= 0 || exp === EXPIRED) return false;
  if (threshold > RELATIVE_EXPTIME_MAX_SECS) return exp < threshold * 1000;
  return ttlSeconds(exp, now) < threshold;
}
