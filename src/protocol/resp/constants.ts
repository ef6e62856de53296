// Protocol error texts (exactly as Redis 7 replies them, "ERR " prefix included) and
// pre-encoded replies. Everything here is built once at load time.

import { utf8 } from "../../stdx/index.ts";

/** PROTO_INLINE_MAX_SIZE: the longest inline request or header line without a newline. */
export const DEFAULT_MAX_INLINE_BYTES = 64 * 1024;
/** proto-max-bulk-len's default. */
export const DEFAULT_MAX_BULK_BYTES = 512 * 1024 * 1024;
/** The multibulk count limit Redis had before 7.0 (7.0 raised it to INT_MAX); configurable. */
export const DEFAULT_MAX_MULTIBULK_COUNT = 1024 * 1024;
/** Redis's limits for a client that still has to AUTH (authRequired). */
export const UNAUTH_MAX_MULTIBULK_COUNT = 10;
export const UNAUTH_MAX_BULK_BYTES = 16384;
/** Argument offsets are Int32: no frame may reach past this offset in its buffer. */
export const MAX_OFFSET = 0x7fff_ffff;

export const ERR_INVALID_MULTIBULK = "ERR Protocol error: invalid multibulk length";
export const ERR_INVALID_BULK = "ERR Protocol error: invalid bulk length";
export const ERR_TOO_BIG_INLINE = "ERR Protocol error: too big inline request";
export const ERR_TOO_BIG_MBULK = "ERR Protocol error: too big mbulk count string";
export const ERR_TOO_BIG_BULK = "ERR Protocol error: too big bulk count string";
export const ERR_UNBALANCED_QUOTES = "ERR Protocol error: unbalanced quotes in request";
export const ERR_UNAUTH_MULTIBULK = "ERR Protocol error: unauthenticated multibulk length";
export const ERR_UNAUTH_BULK = "ERR Protocol error: unauthenticated bulk length";

/**
 * "expected '$', got '%c'" as Redis formats it: addReplyErrorFormat maps CR and LF to spaces,
 * and a NUL byte ends the C string early (the reply is cut just before it). Cold path.
 */
export function errExpectedDollar(byte: number): string {
  if (byte === 0) return "ERR Protocol error: expected '$', got '";
  const ch = byte === 13 || byte === 10 ? " " : String.fromCharCode(byte);
  return `ERR Protocol error: expected '$', got '${ch}'`;
}

export const CRLF = utf8("\r\n");
export const OK = utf8("+OK\r\n");
export const PONG = utf8("+PONG\r\n");
export const QUEUED = utf8("+QUEUED\r\n");
export const ZERO = utf8(":0\r\n");
export const ONE = utf8(":1\r\n");
export const MINUS_ONE = utf8(":-1\r\n");
export const NULL_BULK = utf8("$-1\r\n");
export const NULL_ARRAY = utf8("*-1\r\n");
export const NULL3 = utf8("_\r\n");
export const EMPTY_BULK = utf8("$0\r\n\r\n");
export const EMPTY_ARRAY = utf8("*0\r\n");
export const EMPTY_MAP3 = utf8("%0\r\n");
export const EMPTY_SET3 = utf8("~0\r\n");
export const TRUE3 = utf8("#t\r\n");
export const FALSE3 = utf8("#f\r\n");
export const INF2 = utf8("$3\r\ninf\r\n");
export const NEG_INF2 = utf8("$4\r\n-inf\r\n");
export const NAN2 = utf8("$3\r\nnan\r\n");
export const INF3 = utf8(",inf\r\n");
export const NEG_INF3 = utf8(",-inf\r\n");
export const NAN3 = utf8(",nan\r\n");

/** Pre-encoded replies for commands to pass to Reply.raw(). */
export const RESP = {
  CRLF,
  OK,
  PONG,
  QUEUED,
  ZERO,
  ONE,
  MINUS_ONE,
  NULL_BULK,
  NULL_ARRAY,
  NULL3,
  EMPTY_BULK,
  EMPTY_ARRAY,
  EMPTY_MAP3,
  EMPTY_SET3,
  TRUE3,
  FALSE3,
} as const;
