// memcached's binary protocol (protocol-binary.txt) as memcached 1.6.18 answers it: the
// same checks of extras/key/body lengths (a malformed request gets "Invalid arguments" and
// the connection closes), the same statuses and error bodies, quiet variants that answer
// only errors. Semantics are shared with the text protocol (storage.ts).
import {
  BinaryStatus, Data, MAX_KEY_BYTES, Opcode, readU32, readU64BE, writeBinaryCounter, writeBinaryError, writeBinaryKeyMiss,
  writeBinaryOk, writeBinaryStat, writeBinaryText, writeBinaryValue, type BinaryParser,
} from "../../protocol/memcache/index.ts";
import { SetMode, SetStatus } from "../../store/index.ts";
import { text, utf8 } from "../../stdx/index.ts";
import type { Ctx } from "../types.ts";
import { McStat, mcStats } from "./counters.ts";
import {
  Arith, arith, arithResult, concatValue, deleteKey, findString, flushDelayMs, MC_DB, storeValue, touchKey,
} from "./storage.ts";
import { MEMCACHED_VERSION } from "./text.ts";

const VERSION = utf8(MEMCACHED_VERSION);
/** Incr/decr's expiration that means "do not create a missing counter". */
const NO_CREATE = 0xffffffff;
const INCR_EXTRAS = 20;
const STORE_EXTRAS = 8;
const TOUCH_EXTRAS = 4;

/** Run one framed binary request. */
export function runBinary(c: Ctx, p: BinaryParser): void {
  // memcached's dispatch_bin_command: these two checks come before the opcode is looked at.
  if (p.valueLen < 0) return closeWith(c, p, BinaryStatus.UnknownCommand);
  if (p.keyLen > MAX_KEY_BYTES) return closeWith(c, p, BinaryStatus.InvalidArguments);
  switch (p.opcode) {
    case Opcode.Get: case Opcode.GetQ: case Opcode.GetK: case Opcode.GetKQ:
      return get(c, p);
    case Opcode.Set: case Opcode.SetQ: case Opcode.Add: case Opcode.AddQ: case Opcode.Replace: case Opcode.ReplaceQ:
      return store(c, p);
    case Opcode.Append: case Opcode.AppendQ: case Opcode.Prepend: case Opcode.PrependQ:
      return concat(c, p);
    case Opcode.Delete: case Opcode.DeleteQ:
      return del(c, p);
    case Opcode.Increment: case Opcode.IncrementQ: case Opcode.Decrement: case Opcode.DecrementQ:
      return incrDecr(c, p);
    case Opcode.Touch: case Opcode.GAT: case Opcode.GATQ: case Opcode.GATK: case Opcode.GATKQ:
      return touch(c, p);
    case Opcode.Noop:
      if (!bare(p)) return invalid(c, p);
      return writeBinaryOk(c.reply, p.opcode, p.opaque, 0);
    case Opcode.Version:
      if (!bare(p)) return invalid(c, p);
      return writeBinaryText(c.reply, p.opcode, p.opaque, VERSION);
    case Opcode.Quit: case Opcode.QuitQ:
      return quit(c, p);
    case Opcode.Flush: case Opcode.FlushQ:
      return flush(c, p);
    case Opcode.Stat:
      return stat(c, p);
    case Opcode.SaslListMechs:
      // Without SASL memcached knows these opcodes only well enough to check their lengths.
      if (!bare(p)) return invalid(c, p);
      return unknown(c, p);
    case Opcode.SaslAuth: case Opcode.SaslStep:
      if (p.extrasLen !== 0 || p.keyLen === 0) return invalid(c, p);
      return unknown(c, p);
    default:
      // Verbosity (0x1b) included: memcached 1.6.18 does not implement it over binary.
      return unknown(c, p);
  }
}

/** Whether a framed binary request changes the store, for CLIENT PAUSE WRITE (asked only while a pause is on). */
export function binaryWrites(p: BinaryParser): boolean {
  switch (p.opcode) {
    case Opcode.Set: case Opcode.SetQ: case Opcode.Add: case Opcode.AddQ: case Opcode.Replace: case Opcode.ReplaceQ:
    case Opcode.Append: case Opcode.AppendQ: case Opcode.Prepend: case Opcode.PrependQ:
    case Opcode.Delete: case Opcode.DeleteQ:
    case Opcode.Increment: case Opcode.IncrementQ: case Opcode.Decrement: case Opcode.DecrementQ:
    case Opcode.Touch: case Opcode.GAT: case Opcode.GATQ: case Opcode.GATK: case Opcode.GATKQ:
    case Opcode.Flush: case Opcode.FlushQ:
      return true;
    default:
      return false;
  }
}

/** The quiet variants: success is silent, errors are answered. */
function isQuiet(op: number): boolean {
  switch (op) {
    case Opcode.GetQ: case Opcode.GetKQ: case Opcode.SetQ: case Opcode.AddQ: case Opcode.ReplaceQ:
    case Opcode.DeleteQ: case Opcode.IncrementQ: case Opcode.DecrementQ: case Opcode.QuitQ: case Opcode.FlushQ:
    case Opcode.AppendQ: case Opcode.PrependQ: case Opcode.GATQ: case Opcode.GATKQ:
      return true;
    default:
      return false;
  }
}

/** No extras, key or value. */
function bare(p: BinaryParser): boolean {
  return p.bodyLen === 0;
}

function error(c: Ctx, p: BinaryParser, status: BinaryStatus): void {
  writeBinaryError(c.reply, p.opcode, p.opaque, status);
}

/** memcached answers a frame it cannot trust and drops the connection. */
function closeWith(c: Ctx, p: BinaryParser, status: BinaryStatus): void {
  error(c, p, status);
  c.client.closeAfterReply = true;
}

function invalid(c: Ctx, p: BinaryParser): void {
  closeWith(c, p, BinaryStatus.InvalidArguments);
}

function unknown(c: Ctx, p: BinaryParser): void {
  error(c, p, BinaryStatus.UnknownCommand);
}

/** Success without a body, unless the request is quiet. */
function ok(c: Ctx, p: BinaryParser, cas: number): void {
  if (!isQuiet(p.opcode)) writeBinaryOk(c.reply, p.opcode, p.opaque, cas);
}

/** Get, GetQ, GetK, GetKQ: flags, CAS and value (and key for the K forms); quiet misses are silent. */
function get(c: Ctx, p: BinaryParser): void {
  if (p.extrasLen !== 0 || p.keyLen === 0 || p.valueLen !== 0) return invalid(c, p);
  const op = p.opcode;
  const withKey = op === Opcode.GetK || op === Opcode.GetKQ;
  mcStats[McStat.cmd_get]++;
  if (findString(c, p.buf, p.keyOff, p.keyLen)) {
    mcStats[McStat.get_hits]++;
    writeHit(c, p, withKey, true);
    return;
  }
  mcStats[McStat.get_misses]++;
  miss(c, p, withKey);
}

/** The item the store's registers hold, as a Get/GAT/Touch hit. */
function writeHit(c: Ctx, p: BinaryParser, withKey: boolean, withValue: boolean): void {
  const s = c.store;
  writeBinaryValue(
    c.reply, p.opcode, p.opaque, s.itemCas, s.itemFlags,
    p.buf, p.keyOff, withKey ? p.keyLen : 0, s.buf, s.valueOffset, withValue ? s.valueLength : 0,
  );
}

function miss(c: Ctx, p: BinaryParser, withKey: boolean): void {
  if (isQuiet(p.opcode)) return;
  if (withKey) writeBinaryKeyMiss(c.reply, p.opcode, p.opaque, p.buf, p.keyOff, p.keyLen);
  else error(c, p, BinaryStatus.KeyNotFound);
}

/** Touch (flags and CAS, no value), GAT/GATQ (value), GATK/GATKQ (key and value): the item as it was, then the new expiry. */
function touch(c: Ctx, p: BinaryParser): void {
  if (p.extrasLen !== TOUCH_EXTRAS || p.keyLen === 0) return invalid(c, p);
  const op = p.opcode;
  const withKey = op === Opcode.GATK || op === Opcode.GATKQ;
  const exptime = readU32(p.buf, p.extrasOff);
  if (!findString(c, p.buf, p.keyOff, p.keyLen)) {
    mcStats[McStat.cmd_touch]++;
    mcStats[McStat.touch_misses]++;
    return miss(c, p, withKey);
  }
  writeHit(c, p, withKey, op !== Opcode.Touch);
  touchKey(c, p.buf, p.keyOff, p.keyLen, exptime);
}

/** Set, Add, Replace and their quiet forms; a CAS other than 0 turns any of them into a compare-and-swap. */
function store(c: Ctx, p: BinaryParser): void {
  if (p.extrasLen !== STORE_EXTRAS || p.keyLen === 0) return invalid(c, p);
  const op = p.opcode;
  const isSet = op === Opcode.Set || op === Opcode.SetQ;
  if (p.data === Data.TooLarge) return tooLarge(c, p, isSet);
  const base = isSet ? 0 : op === Opcode.Add || op === Opcode.AddQ ? SetMode.NX : SetMode.XX;
  const mode = p.cas !== 0 ? SetMode.CAS : base;
  const flags = readU32(p.buf, p.extrasOff);
  const exptime = readU32(p.buf, p.extrasOff + 4);
  const status = storeValue(c, mode, p.buf, p.keyOff, p.keyLen, p.buf, p.valueOff, p.valueLen, flags, exptime, p.cas);
  if (status === SetStatus.NotStored) return error(c, p, base === SetMode.NX ? BinaryStatus.KeyExists : BinaryStatus.KeyNotFound);
  // memcached drops the old value of a set that could not be stored, so no stale data outlives it.
  if (isSet && (status === SetStatus.TooLarge || status === SetStatus.OutOfMemory)) c.store.delete(MC_DB, p.buf, p.keyOff, p.keyLen);
  storeReply(c, p, status);
}

/** A body over the limit: answered from the header, extras and key; the value is swallowed. */
function tooLarge(c: Ctx, p: BinaryParser, isSet: boolean): void {
  mcStats[McStat.store_too_large]++;
  if (isSet) c.store.delete(MC_DB, p.buf, p.keyOff, p.keyLen);
  error(c, p, BinaryStatus.TooLarge);
}

function storeReply(c: Ctx, p: BinaryParser, status: SetStatus): void {
  switch (status) {
    case SetStatus.Stored: return ok(c, p, c.store.itemCas);
    case SetStatus.Exists: return error(c, p, BinaryStatus.KeyExists);
    case SetStatus.NotFound: return error(c, p, BinaryStatus.KeyNotFound);
    case SetStatus.NotStored: return error(c, p, BinaryStatus.NotStored);
    case SetStatus.TooLarge: return error(c, p, BinaryStatus.TooLarge);
    default: return error(c, p, BinaryStatus.OutOfMemory);
  }
}

/** Append, Prepend and quiet forms: no extras; a CAS other than 0 must match. */
function concat(c: Ctx, p: BinaryParser): void {
  if (p.extrasLen !== 0 || p.keyLen === 0) return invalid(c, p);
  if (p.data === Data.TooLarge) return tooLarge(c, p, false);
  const op = p.opcode;
  // A CAS of 2^53 or more (-1) matches no item: pass one concatValue can never match.
  const cas = p.cas < 0 ? Number.POSITIVE_INFINITY : p.cas;
  const prepend = op === Opcode.Prepend || op === Opcode.PrependQ;
  storeReply(c, p, concatValue(c, prepend, p.buf, p.keyOff, p.keyLen, p.buf, p.valueOff, p.valueLen, cas));
}

/** Delete and DeleteQ: a CAS other than 0 must match the item's. */
function del(c: Ctx, p: BinaryParser): void {
  if (p.extrasLen !== 0 || p.keyLen === 0 || p.valueLen !== 0) return invalid(c, p);
  if (p.cas !== 0 && c.store.peek(MC_DB, p.buf, p.keyOff, p.keyLen) && c.store.itemCas !== p.cas) {
    return error(c, p, BinaryStatus.KeyExists);
  }
  if (deleteKey(c, p.buf, p.keyOff, p.keyLen)) ok(c, p, 0);
  else error(c, p, BinaryStatus.KeyNotFound);
}

/**
 * Increment/Decrement: extras are delta (u64), initial (u64), expiration (u32). A missing
 * counter is created holding `initial` unless the expiration is 0xffffffff.
 */
function incrDecr(c: Ctx, p: BinaryParser): void {
  if (p.extrasLen !== INCR_EXTRAS || p.keyLen === 0 || p.valueLen !== 0) return invalid(c, p);
  const incr = p.opcode === Opcode.Increment || p.opcode === Opcode.IncrementQ;
  const { buf, keyOff, keyLen } = p;
  // memcached's do_add_delta order: an empty value is non-numeric before the CAS is compared.
  if (p.cas !== 0 && findString(c, buf, keyOff, keyLen)) {
    if (c.store.valueLength === 0) return error(c, p, BinaryStatus.NonNumeric);
    if (c.store.itemCas !== p.cas) return error(c, p, BinaryStatus.KeyExists);
  }
  const result = arith(c, incr, buf, keyOff, keyLen, readU64BE(buf, p.extrasOff));
  if (result === Arith.Ok) {
    if (!isQuiet(p.opcode)) writeBinaryCounter(c.reply, p.opcode, p.opaque, arithResult.cas, arithResult.value);
    return;
  }
  if (result === Arith.NonNumeric) return error(c, p, BinaryStatus.NonNumeric);
  if (result === Arith.NoMemory) return error(c, p, BinaryStatus.OutOfMemory);
  if (readU32(buf, p.extrasOff + 16) === NO_CREATE) return error(c, p, BinaryStatus.KeyNotFound);
  createCounter(c, p, incr);
}

/** A missing counter starts at `initial` (flags 0, the request's expiration). */
function createCounter(c: Ctx, p: BinaryParser, incr: boolean): void {
  const initial = readU64BE(p.buf, p.extrasOff + 8);
  const digits = initial.toString();
  const tmp = c.scratch(digits.length);
  for (let i = 0; i < digits.length; i++) tmp[i] = digits.charCodeAt(i);
  const exptime = readU32(p.buf, p.extrasOff + 16);
  const status = storeValue(c, SetMode.NX, p.buf, p.keyOff, p.keyLen, tmp, 0, digits.length, 0, exptime, 0);
  // memcached counts a created counter as an item, not as a set nor as a miss.
  mcStats[McStat.cmd_set]--;
  mcStats[incr ? McStat.incr_misses : McStat.decr_misses]--;
  if (status === SetStatus.Stored) {
    if (!isQuiet(p.opcode)) writeBinaryCounter(c.reply, p.opcode, p.opaque, c.store.itemCas, initial);
    return;
  }
  error(c, p, status === SetStatus.NotStored ? BinaryStatus.NotStored : BinaryStatus.OutOfMemory);
}

/** Quit answers (QuitQ does not), then the connection closes. */
function quit(c: Ctx, p: BinaryParser): void {
  if (!bare(p)) return invalid(c, p);
  ok(c, p, 0);
  c.client.closeAfterReply = true;
}

/** Flush and FlushQ, with an optional 4-byte delay (seconds, or a Unix time beyond 30 days). */
function flush(c: Ctx, p: BinaryParser): void {
  if (p.keyLen !== 0 || p.valueLen !== 0 || (p.extrasLen !== 0 && p.extrasLen !== 4)) return invalid(c, p);
  const exptime = p.extrasLen === 4 ? readU32(p.buf, p.extrasOff) : 0;
  mcStats[McStat.cmd_flush]++;
  c.server.memcache.flushAll(flushDelayMs(exptime, c.nowMs()));
  ok(c, p, 0);
}

const RESET = utf8("reset");
const SETTINGS = utf8("settings");

/**
 * Stat: no key = the general stats; otherwise the section the key names. Each stat is one
 * packet (key = name, value = value) and an empty packet ends the list. As memcached,
 * "reset" and "settings" match as prefixes, and "conns" is a text-protocol-only section.
 */
function stat(c: Ctx, p: BinaryParser): void {
  if (p.extrasLen !== 0) return invalid(c, p);
  const hooks = c.server.memcache;
  let section = "";
  if (startsWith(p, RESET)) {
    hooks.resetStats();
  } else {
    if (startsWith(p, SETTINGS)) section = "settings";
    else if (p.keyLen > 0) section = text(p.buf, p.keyOff, p.keyLen);
    const lines = section === "conns" ? null : hooks.stats(section);
    if (lines === null) return error(c, p, BinaryStatus.KeyNotFound);
    for (const [name, value] of lines) writeBinaryStat(c.reply, p.opcode, p.opaque, name, String(value));
  }
  writeBinaryStat(c.reply, p.opcode, p.opaque, "", "");
}

function startsWith(p: BinaryParser, word: Uint8Array): boolean {
  if (p.keyLen < word.length) return false;
  for (let i = 0; i < word.length; i++) if (p.buf[p.keyOff + i] !== word[i]) return false;
  return true;
}
