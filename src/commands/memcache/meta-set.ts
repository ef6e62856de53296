// ms <key> <datalen> <flags>*\r\n<data>\r\n: memcached 1.6.18's meta set. Answers HD (stored;
// suppressed by q), NS (not stored), EX (CAS mismatch), NF (CAS on a missing item), with the
// O, k and c return flags in request order. M picks the mode: S set (default), E add,
// A append, P prepend, R replace; C makes set and replace a compare-and-swap, and I with C
// stores an older-CAS write anyway, marked stale.
import { Data, MAX_KEY_BYTES, Replies, type TextParser } from "../../protocol/memcache/index.ts";
import { SetMode, SetStatus } from "../../store/index.ts";
import type { Ctx } from "../types.ts";
import { McStat, mcStats } from "./counters.ts";
import { flags, MAX_META_TOKENS, MetaErr, preparse } from "./meta-flags.ts";
import { opaqueTooLong, peekString } from "./meta-item.ts";
import { ItemState, itemState, setItemState } from "./meta-state.ts";
import { putCode, putCrlf, putFlagNumber, putKey, putToken } from "./meta-write.ts";
import { concatValue, MC_DB, storeValue } from "./storage.ts";

const Mode = { Set: 0, Add: 1, Append: 2, Prepend: 3, Replace: 4, Cas: 5, Invalid: -1 } as const;

export function metaSet(c: Ctx, p: TextParser): void {
  const r = c.reply;
  const n = p.ntokens;
  if (n < 2) return r.raw(Replies.ERROR);
  if (p.len[1] > MAX_KEY_BYTES || n === 2) return r.raw(MetaErr.BAD_FORMAT);
  if (n >= MAX_META_TOKENS) return r.raw(MetaErr.TOO_MANY_FLAGS);
  // The parser framed no data block: the length token is not a valid length.
  if (p.data === Data.None) return r.raw(MetaErr.BAD_FORMAT);
  // From here on the data block has been consumed whatever the answer (memcached swallows it).
  if (!preparse(p, 3, false)) return r.raw(flags.error);
  const f = flags;
  const opaqueBad = opaqueTooLong(p, 3);
  const mode = modeOf(f.mode, f.hasCas);
  if (mode === Mode.Invalid) return r.raw(MetaErr.MS_MODE);
  if (opaqueBad) return r.raw(MetaErr.OPAQUE_TOO_LONG);
  if (p.data === Data.TooLarge) {
    mcStats[McStat.store_too_large]++;
    // As memcached: a write that failed must not leave the old value to be read.
    c.store.delete(MC_DB, f.key, f.keyOff, f.keyLen);
    return r.raw(Replies.TOO_LARGE);
  }
  if (p.data === Data.BadChunk) {
    mcStats[McStat.cmd_set]++;
    return r.raw(Replies.BAD_CHUNK);
  }
  const status = store(c, p, mode);
  if (status === SetStatus.TooLarge) return r.raw(Replies.TOO_LARGE);
  if (status === SetStatus.OutOfMemory) return r.raw(Replies.NO_MEMORY);
  writeReply(c, p, status);
}

function modeOf(m: number, hasCas: boolean): number {
  switch (m) {
    case 0:
    case 83: // S
      return hasCas ? Mode.Cas : Mode.Set;
    case 82: // R: replace with a CAS works as a CAS
      return hasCas ? Mode.Cas : Mode.Replace;
    case 69: // E (add ignores C)
      return Mode.Add;
    case 65: // A
      return Mode.Append;
    case 80: // P
      return Mode.Prepend;
    default:
      return Mode.Invalid;
  }
}

function store(c: Ctx, p: TextParser, mode: number): SetStatus {
  const f = flags;
  const { key, keyOff, keyLen } = f;
  const data = p.buf;
  switch (mode) {
    case Mode.Append:
    case Mode.Prepend: {
      // C0 (or no C) skips the check, as memcached's append does; a failed grow is NS there.
      const status = concatValue(c, mode === Mode.Prepend, key, keyOff, keyLen, data, p.dataOff, p.dataLen, f.hasCas ? f.reqCas : -1);
      return status === SetStatus.TooLarge ? SetStatus.NotStored : status;
    }
    case Mode.Cas:
      if (f.setStale && staleAllowed(c)) return staleSet(c, p);
      return storeValue(c, SetMode.CAS, key, keyOff, keyLen, data, p.dataOff, p.dataLen, f.clientFlags, f.exptime, f.reqCas);
    default: {
      const setMode = mode === Mode.Add ? SetMode.NX : mode === Mode.Replace ? SetMode.XX : 0;
      return storeValue(c, setMode, key, keyOff, keyLen, data, p.dataOff, p.dataLen, f.clientFlags, f.exptime, 0);
    }
  }
}

/** I with C: a CAS older than the item's still stores, as a stale value (memcached's set_stale). */
function staleAllowed(c: Ctx): boolean {
  const store = c.store;
  const f = flags;
  return peekString(store, f.key, f.keyOff, f.keyLen) && f.reqCas < store.itemCas;
}

/**
 * The new value replaces the item keeping its TTL; it is marked stale and keeps a recache
 * token already handed out. Counted as the CAS hit memcached counts it as.
 */
function staleSet(c: Ctx, p: TextParser): SetStatus {
  const store = c.store;
  const f = flags;
  const carried = itemState(store.itemCas) & ItemState.TokenSent;
  setItemState(store.itemCas, 0);
  const status = store.set(MC_DB, f.key, f.keyOff, f.keyLen, p.buf, p.dataOff, p.dataLen, 0, f.clientFlags, SetMode.XX | SetMode.KEEPTTL);
  mcStats[McStat.cmd_set]++;
  if (status !== SetStatus.Stored) return status;
  mcStats[McStat.cas_hits]++;
  mcStats[McStat.total_items]++;
  if (store.peek(MC_DB, f.key, f.keyOff, f.keyLen)) setItemState(store.itemCas, ItemState.Stale | carried);
  return status;
}

function writeReply(c: Ctx, p: TextParser, status: SetStatus): void {
  const f = flags;
  const r = c.reply;
  const { buf, off, len } = p;
  const mark = r.pos;
  switch (status) {
    case SetStatus.Stored: putCode(r, 72, 68); break; // HD
    case SetStatus.Exists: putCode(r, 69, 88); break; // EX
    case SetStatus.NotFound: putCode(r, 78, 70); break; // NF
    default: putCode(r, 78, 83); // NS
  }
  let cas = -1;
  for (let i = 3; i < p.ntokens; i++) {
    const o = buf[off[i]];
    if (o === 79) putToken(r, buf, off[i], len[i]);
    else if (o === 107) putKey(r, f.key, f.keyOff, f.keyLen, f.keyBinary);
    else if (o === 99) {
      if (cas < 0) cas = status === SetStatus.Stored ? storedCas(c) : 0;
      putFlagNumber(r, 99, cas);
    }
  }
  putCrlf(r);
  if (status === SetStatus.Stored && f.noReply) r.pos = mark;
}

/**
 * The CAS the write gave the item. An item stored already expired (T-1) is gone by now; the
 * store's set() left its CAS in the itemCas register, which is what memcached reports.
 */
function storedCas(c: Ctx): number {
  const f = flags;
  c.store.peek(MC_DB, f.key, f.keyOff, f.keyLen);
  return c.store.itemCas;
}
