// ZSCAN: t_zset.c zscanCommand over db.c scanGenericCommand. The cursor is parsed first,
// then the key looked up (a missing key answers an empty scan before any option is read),
// then COUNT and MATCH (keyspace/keys.ts's cursor parser, shared with SCAN). Scores come
// back as bulk strings in both protocols (Redis builds string objects for them): "%.17g"
// for a skiplist, the listpack's own text (integers where it holds integers) for a listpack.

import type { CommandSpec, Ctx } from "../types.ts";
import type { ZSetNode } from "../../store/index.ts";
import { cursorOrReply, elementScan, parseElementScanOptions } from "../keyspace/keys.ts";
import { globMatch, writeDecimal } from "../../stdx/index.ts";
import { readZSet } from "./access.ts";
import { formatListpackScore, formatScore } from "./score.ts";
import { oneKey } from "./spec.ts";


const found: ZSetNode[] = [];
const cursorDigits = new Uint8Array(24);

function zscan(c: Ctx): void {
  const cursor = cursorOrReply(c, 2);
  if (Number.isNaN(cursor)) return;
  const z = readZSet(c, 1);
  if (z === undefined) return;
  const r = c.reply;
  if (z === null) {
    r.arrayHeader(2);
    r.bulkLatin1("0");
    r.arrayHeader(0);
    return;
  }
  const a = c.argv;
  if (!parseElementScanOptions(c)) return;
  const count = elementScan.count;
  const matchArg = elementScan.matchArg;
  const next = z.scan(cursor, count, found);
  let kept = found.length;
  if (matchArg >= 0) {
    const pOff = a.off[matchArg];
    const pLen = a.len[matchArg];
    // "*" matches everything: Redis skips the matching then.
    if (!(pLen === 1 && a.buf[pOff] === 42)) {
      kept = 0;
      for (let i = 0; i < found.length; i++) {
        const m = found[i].member;
        const bytes = memberBytes(m);
        if (globMatch(a.buf, pOff, pLen, bytes, 0, m.length)) found[kept++] = found[i];
      }
    }
  }
  r.arrayHeader(2);
  const n = writeDecimal(cursorDigits, 0, next);
  r.bulk(cursorDigits, 0, n);
  r.arrayHeader(kept * 2);
  // Scores as the encoding holds them: listpack entries are integers when they can be.
  const listpack = z.encoding() === "listpack";
  for (let i = 0; i < kept; i++) {
    const score = found[i].score;
    r.bulkLatin1(found[i].member);
    r.bulkLatin1(listpack ? formatListpackScore(score) : formatScore(score));
  }
  found.length = 0;
}

let memberScratch = new Uint8Array(256);

/** A member's bytes in a reused buffer (globMatch works on bytes). */
function memberBytes(m: string): Uint8Array {
  if (memberScratch.length < m.length) memberScratch = new Uint8Array(Math.max(m.length, memberScratch.length * 2));
  for (let i = 0; i < m.length; i++) memberScratch[i] = m.charCodeAt(i);
  return memberScratch;
}

export const ZSCAN: CommandSpec = {
  name: "zscan",
  arity: -3,
  flags: ["readonly"],
  ...oneKey,
  acl: ["read", "sortedset", "slow"],
  summary: "Incrementally iterate sorted sets elements and associated scores",
  since: "2.8.0",
  complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
  args: [
    { name: "key", type: "key" },
    { name: "cursor", type: "integer" },
    { name: "pattern", type: "pattern", token: "MATCH", optional: true },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  handler: zscan,
};

