// SORT's BY and GET patterns (sort.c lookupKeyByPattern): "#" is the element itself; else
// the first "*" is replaced by the element to name a key, and a "->field" after it names a
// field of the hash stored there. A pattern without "*" names nothing.

import { type HashObject, ItemType } from "../../store/index.ts";
import { latin1, writeLatin1 } from "../../stdx/index.ts";
import type { Ctx } from "../types.ts";

const STAR = 42;
const HASH_SIGN = 35;

/** Where a pattern's parts are: prefix [0, star), postfix (star, postEnd), field after "->". */
export interface Pattern {
  bytes: Uint8Array;
  star: number;
  postEnd: number;
  /** The hash field, or null for a string key. */
  field: string | null;
  /** The pattern is "#". */
  self: boolean;
}

export function parsePattern(bytes: Uint8Array): Pattern {
  const self = bytes.length === 1 && bytes[0] === HASH_SIGN;
  const star = bytes.indexOf(STAR);
  let arrow = -1;
  if (star >= 0) {
    for (let i = star + 1; i + 1 < bytes.length; i++) {
      if (bytes[i] === 45 && bytes[i + 1] === 62) {
        arrow = i;
        break;
      }
    }
    // "->" at the very end is part of the key name, as in Redis.
    if (arrow + 2 >= bytes.length) arrow = -1;
  }
  const postEnd = arrow >= 0 ? arrow : bytes.length;
  const field = arrow >= 0 ? latin1(bytes, arrow + 2, bytes.length - arrow - 2) : null;
  return { bytes, star, postEnd, field, self };
}

let scratch = new Uint8Array(256);

/** The value `p` names for `element` in database `db`, or null when there is none. */
export function lookupByPattern(c: Ctx, db: number, p: Pattern, element: string): string | null {
  if (p.self) return element;
  if (p.star < 0) return null;
  const postLen = p.postEnd - p.star - 1;
  const keyLen = p.star + element.length + postLen;
  if (scratch.length < keyLen) scratch = new Uint8Array(keyLen * 2);
  scratch.set(p.bytes.subarray(0, p.star), 0);
  writeLatin1(scratch, p.star, element);
  scratch.set(p.bytes.subarray(p.star + 1, p.postEnd), p.star + element.length);
  const s = c.store;
  if (!s.find(db, scratch, 0, keyLen)) return null;
  if (p.field !== null) {
    if (s.itemType !== ItemType.Hash) return null;
    return (s.obj as HashObject).get(p.field) ?? null;
  }
  if (s.itemType !== ItemType.String) return null;
  return latin1(s.buf, s.valueOffset, s.valueLength);
}
