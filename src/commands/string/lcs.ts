// LCS: t_string.c lcsCommand (Redis 7.0), the same dynamic programme and the same walk back
// through the table, so that IDX ranges come out in Redis's order.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType } from "../../store/index.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { argIs, argLongLongOrReply, Tok } from "../args.ts";
import {
  ERR_LCS_IDX_AND_LEN,
  ERR_LCS_KEYS_NOT_STRINGS,
  ERR_LCS_TABLE_TOO_BIG,
  ERR_LCS_TOO_LONG,
  ERR_SYNTAX,
} from "../errors.ts";
import { PROTO_MAX_BULK_LEN } from "./common.ts";

const EMPTY = new Uint8Array(0);
const UINT32_MAX = 0xffffffff;

/** A copy of the string at argv[i] ("" when missing), or null when it is not a string. */
function loadString(c: Ctx, i: number): Uint8Array | null {
  const a = c.argv;
  const s = c.store;
  if (!s.find(c.client.db, a.buf, a.off[i], a.len[i])) {
    counters[Counter.cacheMisses]++;
    return EMPTY;
  }
  counters[Counter.cacheHits]++;
  if (s.itemType !== ItemType.String) return null;
  return s.buf.slice(s.valueOffset, s.valueOffset + s.valueLength);
}

function lcs(c: Ctx): void {
  const r = c.reply;
  const sa = loadString(c, 1);
  const sb = loadString(c, 2);
  if (sa === null || sb === null) {
    r.error(ERR_LCS_KEYS_NOT_STRINGS);
    return;
  }
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  const argc = c.argv.argc;
  for (let j = 3; j < argc; j++) {
    const moreArgs = argc - 1 - j;
    if (argIs(c, j, Tok.idx)) getIdx = true;
    else if (argIs(c, j, Tok.len)) getLen = true;
    else if (argIs(c, j, Tok.withmatchlen)) withMatchLen = true;
    else if (argIs(c, j, Tok.minmatchlen) && moreArgs > 0) {
      const v = argLongLongOrReply(c, j + 1);
      if (Number.isNaN(v)) return;
      minMatchLen = v < 0 ? 0 : v;
      j++;
    } else {
      r.error(ERR_SYNTAX);
      return;
    }
  }
  if (getIdx && getLen) {
    r.error(ERR_LCS_IDX_AND_LEN);
    return;
  }
  const alen = sa.length;
  const blen = sb.length;
  if (alen >= UINT32_MAX - 1 || blen >= UINT32_MAX - 1) {
    r.error(ERR_LCS_TOO_LONG);
    return;
  }
  const w = blen + 1;
  if ((alen + 1) * w * 4 > PROTO_MAX_BULK_LEN) {
    r.error(ERR_LCS_TABLE_TOO_BIG);
    return;
  }
  // table[j + i*(blen+1)] = length of the LCS of a[0..i) and b[0..j).
  const table = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ai = sa[i - 1];
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === sb[j - 1]) table[row + j] = table[prev + j - 1] + 1;
      else {
        const up = table[prev + j];
        const left = table[row + j - 1];
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * w + blen];
  if (getLen) {
    r.integer(total);
    return;
  }
  const result = new Uint8Array(total);
  // Ranges found walking back, as [aStart, aEnd, bStart, bEnd, len] groups.
  const ranges: number[] = [];
  let idx = total;
  let aStart = alen; // alen means "no range open"
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (sa[i - 1] === sb[j - 1]) {
      result[idx - 1] = sa[i - 1];
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = table[(i - 1) * w + j];
      const left = table[i * w + j - 1];
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      aStart = alen;
    }
  }
  if (!getIdx) {
    r.bulk(result, 0, total);
    return;
  }
  r.mapHeader(2);
  r.bulkString("matches");
  r.arrayHeader(ranges.length / 5);
  for (let k = 0; k < ranges.length; k += 5) {
    r.arrayHeader(withMatchLen ? 3 : 2);
    r.arrayHeader(2);
    r.integer(ranges[k]);
    r.integer(ranges[k + 1]);
    r.arrayHeader(2);
    r.integer(ranges[k + 2]);
    r.integer(ranges[k + 3]);
    if (withMatchLen) r.integer(ranges[k + 4]);
  }
  r.bulkString("len");
  r.integer(total);
}

export const LCS: CommandSpec = {
  name: "lcs",
  arity: -3,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 2,
  step: 1,
  acl: ["read", "string", "slow"],
  group: "string",
  summary: "Find longest common substring",
  since: "7.0.0",
  complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
  args: [
    { name: "key1", type: "key" },
    { name: "key2", type: "key" },
    { name: "len", type: "pure-token", token: "LEN", optional: true },
    { name: "idx", type: "pure-token", token: "IDX", optional: true },
    { name: "len", type: "integer", token: "MINMATCHLEN", optional: true },
    { name: "withmatchlen", type: "pure-token", token: "WITHMATCHLEN", optional: true },
  ],
  handler: lcs,
};
