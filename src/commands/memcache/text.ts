// memcached's classic text commands (protocol.txt): one handler per command over the tokens
// of the framed line, replies in memcached's exact words.
import { Data, isWord, MAX_KEY_BYTES, parseNumber, Replies, type TextParser, writeLine, writeValue } from "../../protocol/memcache/index.ts";
import type { Reply } from "../../protocol/resp/index.ts";
import { SetMode, SetStatus } from "../../store/index.ts";
import { utf8 } from "../../stdx/index.ts";
import type { Ctx } from "../types.ts";
import { McStat, mcStats } from "./counters.ts";
import { runMeta } from "./meta.ts";
import { Arith, arith, arithResult, concatValue, deleteKey, findString, flushDelayMs, readU64, storeValue, touchKey } from "./storage.ts";

/** The memcached release whose protocol this speaks; `stats` adds Crucible's own version. */
export const MEMCACHED_VERSION = "1.6.18";

const W = (s: string) => utf8(s);
const GET = W("get"), GETS = W("gets"), GAT = W("gat"), GATS = W("gats");
const SET = W("set"), ADD = W("add"), REPLACE = W("replace"), APPEND = W("append"), PREPEND = W("prepend"), CAS = W("cas");
const DELETE = W("delete"), INCR = W("incr"), DECR = W("decr"), TOUCH = W("touch");
const FLUSH_ALL = W("flush_all"), VERSION = W("version"), VERBOSITY = W("verbosity"), QUIT = W("quit"), STATS = W("stats");
const NOREPLY = W("noreply");
const DELETE_USAGE = W("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n");
const VERSION_LINE = W(`VERSION ${MEMCACHED_VERSION}\r\n`);
/** The classic commands that change the store (textWrites). */
const WRITES = [SET, ADD, REPLACE, APPEND, PREPEND, CAS, INCR, DECR, DELETE, TOUCH, GAT, GATS, FLUSH_ALL];

/** Run one framed text request. Unknown commands and wrong token counts answer ERROR, as memcached. */
export function runText(c: Ctx, p: TextParser): void {
  const n = p.ntokens;
  if (n === 0) return error(c);
  const buf = p.buf;
  const off = p.off[0];
  const len = p.len[0];
  if (len === 2 && buf[off] === 109) return runMeta(c, p);
  if (isWord(buf, off, len, GET)) return get(c, p, false);
  if (isWord(buf, off, len, SET)) return storage(c, p, 0);
  if (isWord(buf, off, len, GETS)) return get(c, p, true);
  if (isWord(buf, off, len, DELETE)) return del(c, p);
  if (isWord(buf, off, len, ADD)) return storage(c, p, SetMode.NX);
  if (isWord(buf, off, len, REPLACE)) return storage(c, p, SetMode.XX);
  if (isWord(buf, off, len, CAS)) return storage(c, p, SetMode.CAS);
  if (isWord(buf, off, len, APPEND)) return storage(c, p, -1);
  if (isWord(buf, off, len, PREPEND)) return storage(c, p, -2);
  if (isWord(buf, off, len, INCR)) return incrDecr(c, p, true);
  if (isWord(buf, off, len, DECR)) return incrDecr(c, p, false);
  if (isWord(buf, off, len, TOUCH)) return touch(c, p);
  if (isWord(buf, off, len, GAT)) return gat(c, p, false);
  if (isWord(buf, off, len, GATS)) return gat(c, p, true);
  if (isWord(buf, off, len, VERSION)) return c.reply.raw(VERSION_LINE);
  if (isWord(buf, off, len, QUIT)) {
    c.client.closeAfterReply = true;
    return;
  }
  if (isWord(buf, off, len, FLUSH_ALL)) return flushAll(c, p);
  if (isWord(buf, off, len, VERBOSITY)) return verbosity(c, p);
  if (isWord(buf, off, len, STATS)) return stats(c, p);
  error(c);
}

/**
 * Whether a framed text request changes the store, for CLIENT PAUSE WRITE (asked only while a
 * pause is on): set, add, replace, append, prepend, cas, incr, decr, delete, touch, gat, gats,
 * flush_all, and the meta ms, md, ma, and mg with T (touch) or N (create on a miss).
 */
export function textWrites(p: TextParser): boolean {
  if (p.ntokens === 0) return false;
  const buf = p.buf;
  const off = p.off[0];
  const len = p.len[0];
  if (len === 2 && buf[off] === 109) {
    const m = buf[off + 1];
    if (m === 115 || m === 100 || m === 97) return true; // ms, md, ma
    if (m !== 103) return false; // mn, me
    for (let i = 2; i < p.ntokens; i++) {
      const flag = buf[p.off[i]];
      if (flag === 84 || flag === 78) return true; // mg T, mg N
    }
    return false;
  }
  for (let i = 0; i < WRITES.length; i++) if (isWord(buf, off, len, WRITES[i])) return true;
  return false;
}

function error(c: Ctx): void {
  c.reply.raw(Replies.ERROR);
}

function lastIsNoreply(p: TextParser): boolean {
  const i = p.ntokens - 1;
  return isWord(p.buf, p.off[i], p.len[i], NOREPLY);
}

/** get/gets: every key in order, then END. */
function get(c: Ctx, p: TextParser, withCas: boolean): void {
  if (p.ntokens < 2) return error(c);
  retrieve(c, p, 1, withCas, Number.NaN);
}

/** gat/gats <exptime> <key>*: the value as it was, with the new expiry applied after. */
function gat(c: Ctx, p: TextParser, withCas: boolean): void {
  if (p.ntokens < 2) return error(c);
  const exptime = parseNumber(p.buf, p.off[1], p.len[1], true);
  if (Number.isNaN(exptime)) return c.reply.raw(Replies.BAD_EXPTIME);
  retrieve(c, p, 2, withCas, exptime);
}

/** VALUE lines for the keys from token `first` on, then END; a touch (gat) when exptime is a number. */
function retrieve(c: Ctx, p: TextParser, first: number, withCas: boolean, exptime: number): void {
  const buf = p.buf;
  const r = c.reply;
  const store = c.store;
  const touch = !Number.isNaN(exptime);
  const mark = r.pos;
  for (let i = first; i < p.ntokens; i++) {
    const off = p.off[i];
    const len = p.len[i];
    if (len > MAX_KEY_BYTES) {
      // As memcached: a multi-get with a bad key answers only the error.
      r.pos = mark;
      r.raw(Replies.BAD_FORMAT);
      return;
    }
    const hit = findString(c, buf, off, len);
    if (hit) writeValue(r, buf, off, len, store.itemFlags, store.buf, store.valueOffset, store.valueLength, withCas ? store.itemCas : -1);
    if (touch) {
      // memcached counts a gat as a touch only.
      if (hit) touchKey(c, buf, off, len, exptime);
      else {
        mcStats[McStat.cmd_touch]++;
        mcStats[McStat.touch_misses]++;
      }
    } else {
      mcStats[McStat.cmd_get]++;
      mcStats[hit ? McStat.get_hits : McStat.get_misses]++;
    }
  }
  r.raw(Replies.END);
}

/**
 * set/add/replace/cas (mode: SetMode bits) and append (-1)/prepend (-2):
 * <cmd> <key> <flags> <exptime> <bytes> [<cas>] [noreply], then the data block.
 */
function storage(c: Ctx, p: TextParser, mode: number): void {
  const n = p.ntokens;
  const isCas = mode === SetMode.CAS;
  if (isCas ? n !== 6 && n !== 7 : n !== 5 && n !== 6) return error(c);
  const noreply = n === (isCas ? 7 : 6) && lastIsNoreply(p);
  const r = c.reply;
  const mark = r.pos;
  storageReply(c, p, mode, isCas);
  if (noreply) r.pos = mark;
}

function storageReply(c: Ctx, p: TextParser, mode: number, isCas: boolean): void {
  const { buf, off, len } = p;
  const r = c.reply;
  const flags = parseNumber(buf, off[2], len[2], false);
  const exptime = parseNumber(buf, off[3], len[3], true);
  const vlen = parseNumber(buf, off[4], len[4], true);
  if (len[1] > MAX_KEY_BYTES || !(flags <= 0xffffffff) || Number.isNaN(exptime) || !(vlen >= 0)) return r.raw(Replies.BAD_FORMAT);
  let cas = 0;
  if (isCas) {
    const v = readU64(buf, off[5], len[5]);
    if (v < 0n) return r.raw(Replies.BAD_FORMAT);
    // A CAS beyond 2^53 was never handed out; -1 matches none.
    cas = v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
  }
  if (p.data === Data.TooLarge) {
    mcStats[McStat.store_too_large]++;
    // memcached drops the old value of a set that failed, so no stale data outlives it.
    if (mode === 0) c.store.delete(0, buf, off[1], len[1]);
    return r.raw(Replies.TOO_LARGE);
  }
  if (p.data === Data.BadChunk) return r.raw(Replies.BAD_CHUNK);
  const status = mode < 0
    ? concatValue(c, mode === -2, buf, off[1], len[1], buf, p.dataOff, p.dataLen, -1)
    : storeValue(c, mode, buf, off[1], len[1], buf, p.dataOff, p.dataLen, flags, exptime, cas);
  writeStatus(r, status);
}

export function writeStatus(r: Reply, status: SetStatus): void {
  switch (status) {
    case SetStatus.Stored: return r.raw(Replies.STORED);
    case SetStatus.NotStored: return r.raw(Replies.NOT_STORED);
    case SetStatus.Exists: return r.raw(Replies.EXISTS);
    case SetStatus.NotFound: return r.raw(Replies.NOT_FOUND);
    case SetStatus.TooLarge: return r.raw(Replies.TOO_LARGE);
    default: return r.raw(Replies.NO_MEMORY);
  }
}

/** delete <key> [0] [noreply]: the old hold time is accepted only as 0. */
function del(c: Ctx, p: TextParser): void {
  const n = p.ntokens;
  if (n < 2 || n > 4) return error(c);
  const { buf, off, len } = p;
  const r = c.reply;
  const noreply = n > 2 && lastIsNoreply(p);
  if (n > 2) {
    const holdIsZero = len[2] === 1 && buf[off[2]] === 48;
    const valid = (n === 3 && (holdIsZero || noreply)) || (n === 4 && holdIsZero && noreply);
    if (!valid) return r.raw(DELETE_USAGE);
  }
  const mark = r.pos;
  if (len[1] > MAX_KEY_BYTES) r.raw(Replies.BAD_FORMAT);
  else r.raw(deleteKey(c, buf, off[1], len[1]) ? Replies.DELETED : Replies.NOT_FOUND);
  if (noreply) r.pos = mark;
}

/** incr|decr <key> <delta> [noreply] */
function incrDecr(c: Ctx, p: TextParser, incr: boolean): void {
  const n = p.ntokens;
  if (n !== 3 && n !== 4) return error(c);
  const { buf, off, len } = p;
  const r = c.reply;
  const noreply = n === 4 && lastIsNoreply(p);
  const mark = r.pos;
  const delta = readU64(buf, off[2], len[2]);
  if (len[1] > MAX_KEY_BYTES) r.raw(Replies.BAD_FORMAT);
  else if (delta < 0n) r.raw(Replies.BAD_DELTA);
  else {
    const result = arith(c, incr, buf, off[1], len[1], delta);
    if (result === Arith.Ok) writeLine(r, arithResult.value.toString());
    else if (result === Arith.NotFound) r.raw(Replies.NOT_FOUND);
    else if (result === Arith.NonNumeric) r.raw(Replies.NON_NUMERIC);
    else r.raw(Replies.NO_MEMORY);
  }
  if (noreply) r.pos = mark;
}

/** touch <key> <exptime> [noreply] */
function touch(c: Ctx, p: TextParser): void {
  const n = p.ntokens;
  if (n !== 3 && n !== 4) return error(c);
  const { buf, off, len } = p;
  const r = c.reply;
  const noreply = n === 4 && lastIsNoreply(p);
  const mark = r.pos;
  const exptime = parseNumber(buf, off[2], len[2], true);
  if (len[1] > MAX_KEY_BYTES) r.raw(Replies.BAD_FORMAT);
  else if (Number.isNaN(exptime)) r.raw(Replies.BAD_EXPTIME);
  else r.raw(touchKey(c, buf, off[1], len[1], exptime) ? Replies.TOUCHED : Replies.NOT_FOUND);
  if (noreply) r.pos = mark;
}

/** flush_all [delay] [noreply] */
function flushAll(c: Ctx, p: TextParser): void {
  const n = p.ntokens;
  if (n > 3) return error(c);
  const r = c.reply;
  const noreply = n > 1 && lastIsNoreply(p);
  const mark = r.pos;
  let delayMs = 0;
  if (n === 3 || (n === 2 && !noreply)) {
    const secs = parseNumber(p.buf, p.off[1], p.len[1], true);
    if (Number.isNaN(secs)) {
      r.raw(Replies.BAD_EXPTIME);
      if (noreply) r.pos = mark;
      return;
    }
    delayMs = flushDelayMs(secs, c.nowMs());
  }
  mcStats[McStat.cmd_flush]++;
  c.server.memcache.flushAll(delayMs);
  r.raw(Replies.OK);
  if (noreply) r.pos = mark;
}

/** verbosity <level> [noreply] */
function verbosity(c: Ctx, p: TextParser): void {
  const n = p.ntokens;
  if (n !== 2 && n !== 3) return error(c);
  const r = c.reply;
  const noreply = lastIsNoreply(p);
  const mark = r.pos;
  const level = parseNumber(p.buf, p.off[1], p.len[1], false);
  if (Number.isNaN(level)) r.raw(Replies.BAD_FORMAT);
  else {
    c.server.memcache.setVerbosity(level);
    r.raw(Replies.OK);
  }
  if (noreply) r.pos = mark;
}

/** stats [section]: STAT lines then END; `stats reset` answers RESET. */
function stats(c: Ctx, p: TextParser): void {
  const r = c.reply;
  const hooks = c.server.memcache;
  let section = "";
  if (p.ntokens > 1) section = new TextDecoder().decode(p.buf.subarray(p.off[1], p.off[1] + p.len[1]));
  if (section === "reset" && p.ntokens === 2) {
    hooks.resetStats();
    return r.raw(Replies.RESET);
  }
  const lines = p.ntokens <= 2 ? hooks.stats(section) : null;
  if (lines === null) return error(c);
  for (const [name, value] of lines) writeLine(r, `STAT ${name} ${value}`);
  r.raw(Replies.END);
}

