// HSCAN: t_hash.c hscanCommand, db.c scanGenericCommand. A listpack-sized hash answers in
// one call with cursor 0, as Redis does; a bigger one walks HashObject.scan's cursor. MATCH
// filters on the field. The visitor is created once; its inputs are module state.

import type { CommandSpec, Ctx } from "../types.ts";
import type { HashVisitor } from "../../store/index.ts";
import { globMatch, writeDecimal, writeLatin1 } from "../../stdx/index.ts";
import { readHash } from "./common.ts";
import { cursorOrReply, elementScan, parseElementScanOptions } from "../keyspace/keys.ts";

/** SCAN's default COUNT. */

// The matches of one call: fields and values, reset after the reply is written.
const foundFields: string[] = [];
const foundValues: string[] = [];
let patBuf: Uint8Array = new Uint8Array(0);
let patOff = 0;
let patLen = 0;
let usePattern = false;
/** A field's bytes, for globMatch. */
let fieldBytes = new Uint8Array(256);

const collect: HashVisitor = (field, value) => {
  if (usePattern) {
    if (field.length > fieldBytes.length) fieldBytes = new Uint8Array(Math.max(field.length, fieldBytes.length * 2));
    writeLatin1(fieldBytes, 0, field);
    if (!globMatch(patBuf, patOff, patLen, fieldBytes, 0, field.length)) return;
  }
  foundFields.push(field);
  foundValues.push(value);
};

const cursorDigits = new Uint8Array(24);
const EMPTY_SCAN_CURSOR = new Uint8Array([48]);

function hscan(c: Ctx): void {
  const cursor = cursorOrReply(c, 2);
  if (Number.isNaN(cursor)) return;
  const h = readHash(c);
  if (h === undefined) return;
  const r = c.reply;
  if (h === null) {
    r.arrayHeader(2);
    r.bulk(EMPTY_SCAN_CURSOR, 0, 1);
    r.arrayHeader(0);
    return;
  }
  const a = c.argv;
  if (!parseElementScanOptions(c)) return;
  const count = elementScan.count;
  const matchArg = elementScan.matchArg;
  usePattern = false;
  if (matchArg >= 0) {
    patBuf = a.buf;
    patOff = a.off[matchArg];
    patLen = a.len[matchArg];
    usePattern = !(patLen === 1 && patBuf[patOff] === 42);
  }
  const next = h.scan(cursor, count, collect);
  r.arrayHeader(2);
  r.bulk(cursorDigits, 0, writeDecimal(cursorDigits, 0, next));
  r.arrayHeader(foundFields.length * 2);
  for (let k = 0; k < foundFields.length; k++) {
    r.bulkLatin1(foundFields[k]);
    r.bulkLatin1(foundValues[k]);
  }
  foundFields.length = 0;
  foundValues.length = 0;
  usePattern = false;
}

export const HSCAN: CommandSpec = {
  name: "hscan",
  arity: -3,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  acl: ["read", "hash", "slow"],
  group: "hash",
  summary: "Incrementally iterate hash fields and associated values",
  since: "2.8.0",
  complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
  args: [
    { name: "key", type: "key" },
    { name: "cursor", type: "integer" },
    { name: "pattern", type: "pattern", token: "MATCH", optional: true },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  handler: hscan,
};
