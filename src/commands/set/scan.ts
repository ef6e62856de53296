// SSCAN: t_set.c sscanCommand and db.c scanGenericCommand for a set.

import type { CommandSpec, Ctx } from "../types.ts";
import { ItemType, type SetObject } from "../../store/index.ts";
import { readObject } from "../object.ts";
import { globMatch, text, writeDecimal, writeLatin1 } from "../../stdx/index.ts";
import { cursorOrReply, elementScan, parseElementScanOptions } from "../keyspace/keys.ts";

/** SCAN's default COUNT. */

/** Members visited by the current call (reused; emptied after each). */
const visited: string[] = [];
const cursorDigits = new Uint8Array(24);
const EMPTY_SCAN_CURSOR = new Uint8Array([48]);

function sscan(c: Ctx): void {
  const cursor = cursorOrReply(c, 2);
  if (Number.isNaN(cursor)) return;
  const set = readObject<SetObject>(c, 1, ItemType.Set);
  if (set === undefined) return;
  const r = c.reply;
  if (set === null) {
    r.arrayHeader(2);
    r.bulk(EMPTY_SCAN_CURSOR, 0, 1);
    r.arrayHeader(0);
    return;
  }
  const a = c.argv;
  if (!parseElementScanOptions(c)) return;
  const count = elementScan.count;
  let matchArg = elementScan.matchArg;
  // "*" matches everything: skip the filter, as Redis does.
  if (matchArg >= 0 && a.len[matchArg] === 1 && a.buf[a.off[matchArg]] === 42) matchArg = -1;
  const next = set.scan(cursor, count, visited);
  if (matchArg >= 0) keepMatching(c, matchArg);
  r.arrayHeader(2);
  r.bulk(cursorDigits, 0, writeDecimal(cursorDigits, 0, next));
  r.arrayHeader(visited.length);
  for (let i = 0; i < visited.length; i++) r.bulkLatin1(visited[i]);
  visited.length = 0;
}

/** Drop the visited members that do not match the glob pattern in argument `patArg`. */
function keepMatching(c: Ctx, patArg: number): void {
  const a = c.argv;
  let kept = 0;
  for (let i = 0; i < visited.length; i++) {
    const m = visited[i];
    const bytes = c.scratch(m.length);
    writeLatin1(bytes, 0, m);
    if (globMatch(a.buf, a.off[patArg], a.len[patArg], bytes, 0, m.length)) visited[kept++] = m;
  }
  visited.length = kept;
}

export const SSCAN: CommandSpec = {
  name: "sscan",
  arity: -3,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "set", "slow"],
  group: "set",
  summary: "Incrementally iterate Set elements",
  since: "2.8.0",
  complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
  args: [
    { name: "key", type: "key" },
    { name: "cursor", type: "integer" },
    { name: "pattern", type: "pattern", token: "MATCH", optional: true },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  handler: sscan,
};
