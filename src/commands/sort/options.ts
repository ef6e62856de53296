// SORT's options (sort.c sortCommandGeneric's parsing loop), read in order; the first
// malformed one answers its error.

import { argIs, argLongLong } from "../args.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX } from "../errors.ts";
import { utf8 } from "../../stdx/index.ts";
import type { Ctx } from "../types.ts";
import { type Pattern, parsePattern } from "./pattern.ts";

const ASC = utf8("asc");
const DESC = utf8("desc");
const ALPHA = utf8("alpha");
const LIMIT = utf8("limit");
const STORE = utf8("store");
const BY = utf8("by");
const GET = utf8("get");

export interface SortOptions {
  desc: boolean;
  alpha: boolean;
  /** LIMIT offset count as given (-1 count: to the end). */
  limitStart: number;
  limitCount: number;
  /** The STORE destination's argument index, or -1. */
  storeArg: number;
  /** The BY pattern, or null. */
  by: Pattern | null;
  /** BY without "*": the elements keep their order (BY nosort). */
  dontSort: boolean;
  get: Pattern[];
}

function copyArg(c: Ctx, i: number): Uint8Array {
  const a = c.argv;
  return a.buf.slice(a.off[i], a.off[i] + a.len[i]);
}

/** The options from argument 2 on, or null with the error replied. SORT_RO has no STORE. */
export function parseSortOptions(c: Ctx, readonly: boolean): SortOptions | null {
  const o: SortOptions = { desc: false, alpha: false, limitStart: 0, limitCount: -1, storeArg: -1, by: null, dontSort: false, get: [] };
  const argc = c.argv.argc;
  for (let j = 2; j < argc; j++) {
    const left = argc - j - 1;
    if (argIs(c, j, ASC)) o.desc = false;
    else if (argIs(c, j, DESC)) o.desc = true;
    else if (argIs(c, j, ALPHA)) o.alpha = true;
    else if (argIs(c, j, LIMIT) && left >= 2) {
      const start = argLongLong(c, j + 1);
      const count = Number.isNaN(start) ? Number.NaN : argLongLong(c, j + 2);
      if (Number.isNaN(count)) {
        c.reply.error(ERR_NOT_INTEGER);
        return null;
      }
      o.limitStart = start;
      o.limitCount = count;
      j += 2;
    } else if (!readonly && argIs(c, j, STORE) && left >= 1) {
      o.storeArg = ++j;
    } else if (argIs(c, j, BY) && left >= 1) {
      o.by = parsePattern(copyArg(c, ++j));
      o.dontSort = o.by.star < 0;
    } else if (argIs(c, j, GET) && left >= 1) {
      o.get.push(parsePattern(copyArg(c, ++j)));
    } else {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
  }
  return o;
}

/** argument indexes of SORT's keys (sortGetKeys): the key, and the last STORE's destination. */
export function sortKeys(words: readonly string[]): number[] {
  let store = -1;
  for (let i = 2; i < words.length; i++) {
    const w = words[i].toLowerCase();
    if (w === "limit") i += 2;
    else if (w === "get" || w === "by") i += 1;
    else if (w === "store" && i + 1 < words.length) store = i + 1;
  }
  return store < 0 ? [1] : [1, store];
}
