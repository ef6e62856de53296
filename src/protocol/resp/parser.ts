// RESP request framing: one command frame per parse() call, arguments as offset/length
// views into the caller's buffer. Follows Redis 7's processMultibulkBuffer and
// processInlineBuffer (networking.c) condition by condition; where Redis's answer depends
// on how the bytes were split into reads, this parser answers as if every prefix had been
// seen (see findHeaderEnd and inline.ts), so the result never depends on chunking.
//
// The parser keeps no state between calls except its argv storage: a partial frame is
// parsed again from its start when more bytes arrive. That is why it can be shared by
// every connection of a server. needBytes tells the caller how many bytes the frame needs
// once a bulk header has been read, so a big value is not re-scanned as it trickles in.

import type { Argv } from "./types.ts";
import {
  DEFAULT_MAX_BULK_BYTES,
  DEFAULT_MAX_INLINE_BYTES,
  DEFAULT_MAX_MULTIBULK_COUNT,
  ERR_INVALID_BULK,
  ERR_INVALID_MULTIBULK,
  ERR_TOO_BIG_BULK,
  ERR_TOO_BIG_MBULK,
  ERR_UNAUTH_BULK,
  ERR_UNAUTH_MULTIBULK,
  MAX_OFFSET,
  UNAUTH_MAX_BULK_BYTES,
  UNAUTH_MAX_MULTIBULK_COUNT,
  errExpectedDollar,
} from "./constants.ts";
import { parseInline, type InlineSink } from "./inline.ts";

export interface RespLimits {
  /** proto-max-bulk-len: the largest bulk argument accepted (default 512 MiB). */
  maxBulkBytes: number;
  /** PROTO_INLINE_MAX_SIZE: the longest inline request or header line (default 64 KiB). */
  maxInlineBytes?: number;
  /** The largest multibulk count accepted (default 1024*1024). */
  maxMultibulkCount?: number;
}

const EMPTY = new Uint8Array(0);
const INITIAL_ARGS = 16;

/** Returned by parseLength for anything string2ll rejects. */
const INVALID = Number.NaN;

/**
 * Redis's string2ll over buf[from, to): optional '-', a first digit 1-9 (or the single
 * string "0"), digits only, within signed 64 bits. Returns NaN when invalid. Values beyond
 * 2^53 come back rounded, which is harmless: every caller compares them with limits far
 * below that, and only the sign and validity of larger values matter.
 */
function parseLength(buf: Uint8Array, from: number, to: number): number {
  const n = to - from;
  if (n === 0 || n >= 21) return INVALID;
  let i = from;
  let negative = false;
  if (buf[i] === 45) {
    negative = true;
    i++;
    if (i === to) return INVALID;
  } else if (n === 1 && buf[i] === 48) {
    return 0;
  }
  const first = buf[i] - 48;
  if (first < 1 || first > 9) return INVALID;
  let v = first;
  const digitsStart = i;
  for (i++; i < to; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return INVALID;
    v = v * 10 + d;
  }
  const digits = to - digitsStart;
  if (digits > 19 || (digits === 19 && !fitsInt64(buf, digitsStart, negative))) return INVALID;
  return negative ? -v : v;
}

// "9223372036854775807": LLONG_MAX; its magnitude plus one is allowed for negatives.
const INT64_MAX_DIGITS = [57, 50, 50, 51, 51, 55, 50, 48, 51, 54, 56, 53, 52, 55, 55, 53, 56, 48, 55];

function fitsInt64(buf: Uint8Array, from: number, negative: boolean): boolean {
  for (let k = 0; k < 19; k++) {
    const limit = k === 18 && negative ? 56 : INT64_MAX_DIGITS[k];
    const b = buf[from + k];
    if (b < limit) return true;
    if (b > limit) return false;
  }
  return true;
}

export class RespParser implements Argv, InlineSink {
  /** Where the arguments live: the input buffer, or the inline scratch buffer. */
  buf: Uint8Array = EMPTY;
  argc = 0;
  off = new Int32Array(INITIAL_ARGS);
  len = new Int32Array(INITIAL_ARGS);
  /**
   * After parse() returned 0 inside a bulk's data: the bytes from `start` to the end of that
   * bulk (the whole frame when it is the last argument); 0 while a header line is still
   * incomplete. Parsing again before that many bytes are buffered cannot make progress.
   * It is the client's claim, bounded only by proto-max-bulk-len: grow buffers towards it
   * as data arrives rather than allocating it up front.
   */
  needBytes = 0;
  /** After parse() returned -1: Redis's error reply text ("ERR Protocol error: ..."). */
  error = "";
  /**
   * The client has not authenticated yet while a password is required: Redis then limits a
   * frame to 10 arguments of at most 16384 bytes. Set it before each parse when the parser
   * is shared between connections.
   */
  authRequired = false;
  /** Mutable at runtime (CONFIG SET proto-max-bulk-len); read on every parse. */
  readonly limits: Required<RespLimits>;
  /** Unescaped inline arguments when quoting changed their bytes. */
  scratch: Uint8Array = EMPTY;

  constructor(limits: RespLimits = { maxBulkBytes: DEFAULT_MAX_BULK_BYTES }) {
    this.limits = {
      maxBulkBytes: limits.maxBulkBytes,
      maxInlineBytes: limits.maxInlineBytes ?? DEFAULT_MAX_INLINE_BYTES,
      maxMultibulkCount: limits.maxMultibulkCount ?? DEFAULT_MAX_MULTIBULK_COUNT,
    };
  }

  /**
   * Parse one command frame at buf[start, end). Returns the bytes it took (> 0) with argv
   * filled (argc 0 for an empty inline line, "*0" or "*-1", which Redis skips); 0 when the
   * frame is not complete yet (argv is then meaningless); -1 on a protocol error, after
   * which Redis replies `error` and closes the connection.
   */
  parse(buf: Uint8Array, start: number, end: number): number {
    this.argc = 0;
    this.needBytes = 0;
    if (start >= end) return 0;
    if (buf[start] !== 42 /* '*' */) return parseInline(this, buf, start, end);
    return this.parseMultibulk(buf, start, end);
  }

  /** Append an argument; storage doubles when full (the only allocation, amortised). */
  push(off: number, len: number): void {
    const i = this.argc;
    if (i === this.off.length) this.grow();
    this.off[i] = off;
    this.len[i] = len;
    this.argc = i + 1;
  }

  fail(error: string): number {
    this.error = error;
    this.argc = 0;
    this.needBytes = 0;
    return -1;
  }

  private grow(): void {
    const size = this.off.length * 2;
    const off = new Int32Array(size);
    const len = new Int32Array(size);
    off.set(this.off);
    len.set(this.len);
    this.off = off;
    this.len = len;
  }

  private parseMultibulk(buf: Uint8Array, start: number, end: number): number {
    // The count line: "*<n>\r\n". Like Redis, only the '\r' is searched for; the byte after
    // it is skipped without being checked.
    const cr = this.findHeaderEnd(buf, start, end);
    if (cr < 0) return cr === -1 ? 0 : this.fail(ERR_TOO_BIG_MBULK);
    const count = parseLength(buf, start + 1, cr);
    if (count !== count || count > this.limits.maxMultibulkCount) return this.fail(ERR_INVALID_MULTIBULK);
    if (count > UNAUTH_MAX_MULTIBULK_COUNT && this.authRequired) return this.fail(ERR_UNAUTH_MULTIBULK);
    let p = cr + 2;
    if (count <= 0) return p - start;
    this.buf = buf;
    for (let left = count; left > 0; left--) {
      const hcr = this.findHeaderEnd(buf, p, end);
      if (hcr < 0) {
        if (hcr === -1) return 0;
        return this.fail(ERR_TOO_BIG_BULK);
      }
      if (buf[p] !== 36 /* '$' */) return this.fail(errExpectedDollar(buf[p]));
      const n = parseLength(buf, p + 1, hcr);
      if (n !== n || n < 0 || n > this.limits.maxBulkBytes) return this.fail(ERR_INVALID_BULK);
      if (n > UNAUTH_MAX_BULK_BYTES && this.authRequired) return this.fail(ERR_UNAUTH_BULK);
      p = hcr + 2;
      const next = p + n + 2;
      if (next > MAX_OFFSET) return this.fail(ERR_INVALID_BULK);
      if (next > end) {
        this.needBytes = next - start;
        return 0;
      }
      // Redis skips the two bytes after the data without checking that they are CRLF.
      this.push(p, n);
      p = next;
    }
    return p - start;
  }

  /**
   * Find the '\r' ending a header line that starts at `from`. Returns its index when the
   * byte after it is there too; -1 when the line is incomplete; -2 when the line is longer
   * than maxInlineBytes. Redis reports "too big" only when no '\r' has arrived yet and more
   * than PROTO_INLINE_MAX_SIZE bytes are buffered; a line that long would always have been
   * buffered so at some point, so it is reported whether or not its '\r' is here now.
   */
  private findHeaderEnd(buf: Uint8Array, from: number, end: number): number {
    const limit = from + this.limits.maxInlineBytes + 1;
    const stop = end < limit ? end : limit;
    let i = from;
    while (i < stop && buf[i] !== 13) i++;
    if (i === stop) return stop === limit ? -2 : -1;
    return i + 1 < end ? i : -1;
  }
}
