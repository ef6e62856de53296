// Redis's error replies, word for word (Redis 7.0: server.c createSharedObjects, t_string.c,
// db.c, expire.c, object.c). Clients and test suites match on these texts, so they are
// constants here and nowhere else. Error replies are a cold path: plain strings are fine.

import type { Ctx } from "./types.ts";
import { SetStatus } from "../store/index.ts";

export const ERR_SYNTAX = "ERR syntax error";
export const ERR_NOT_INTEGER = "ERR value is not an integer or out of range";
export const ERR_NOT_FLOAT = "ERR value is not a valid float";
export const ERR_OVERFLOW = "ERR increment or decrement would overflow";
export const ERR_DECR_OVERFLOW = "ERR decrement would overflow";
export const ERR_NAN_OR_INFINITY = "ERR increment would produce NaN or Infinity";
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_NO_SUCH_KEY = "ERR no such key";
export const ERR_INDEX_OUT_OF_RANGE = "ERR index out of range";
export const ERR_DB_INDEX = "ERR DB index is out of range";
export const ERR_INVALID_FIRST_DB = "ERR invalid first DB index";
export const ERR_INVALID_SECOND_DB = "ERR invalid second DB index";
export const ERR_SAME_OBJECT = "ERR source and destination objects are the same";
export const ERR_STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
export const ERR_OFFSET_OUT_OF_RANGE = "ERR offset is out of range";
export const ERR_INVALID_CURSOR = "ERR invalid cursor";
export const ERR_EXPIRE_NX_COMPAT = "ERR NX and XX, GT or LT options at the same time are not compatible";
export const ERR_EXPIRE_GT_LT_COMPAT = "ERR GT and LT options at the same time are not compatible";
export const ERR_LCS_KEYS_NOT_STRINGS = "ERR The specified keys must contain string values";
export const ERR_LCS_IDX_AND_LEN = "ERR If you want both the length and indexes, please just use IDX.";
export const ERR_LCS_TOO_LONG = "ERR String too long for LCS";
export const ERR_LCS_TABLE_TOO_BIG = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
export const ERR_LFU_NOT_SELECTED =
  "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
export const ERR_LFU_SELECTED =
  "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

/** "ERR wrong number of arguments for 'get' command" (name as the client sent it, lower-cased by Redis's fullname). */
export function errWrongArity(commandName: string): string {
  return `ERR wrong number of arguments for '${commandName}' command`;
}

/** "ERR invalid expire time in 'set' command". */
export function errInvalidExpireTime(commandName: string): string {
  return `ERR invalid expire time in '${commandName}' command`;
}

/** EXPIRE's "ERR Unsupported option foo" (the option as the client wrote it). */
export function errUnsupportedOption(option: string): string {
  return `ERR Unsupported option ${option}`;
}

/** "ERR unknown subcommand 'foo'. Try OBJECT HELP." */
export function errUnknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${truncate(sub, 128)}'. Try ${container.toUpperCase()} HELP.`;
}

/** "ERR unknown command 'foo', with args beginning with: 'a' 'b' " (Redis 7.0 processCommand). */
export function errUnknownCommand(name: string, args: string[]): string {
  let tail = "";
  for (const a of args) {
    if (tail.length >= 128) break;
    tail += `'${truncate(a, 128 - tail.length)}' `;
  }
  return `ERR unknown command '${truncate(name, 128)}', with args beginning with: ${tail}`;
}

function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * Replies the error for a failed Store.set (noeviction OOM, value over the size limit) and
 * returns true; returns false, writing nothing, for the statuses the caller answers itself
 * (Stored, NotStored, NotFound, Exists).
 */
export function replyStoreStatus(c: Ctx, status: SetStatus): boolean {
  if (status === SetStatus.OutOfMemory) {
    c.reply.error(OOM);
    return true;
  }
  if (status === SetStatus.TooLarge) {
    c.reply.error(ERR_STRING_TOO_LONG);
    return true;
  }
  return false;
}
