// SORT and SORT_RO (sort.c): sort a list, set or sorted set by its elements or by values
// named by a BY pattern, numerically or (ALPHA) as bytes, take a LIMIT window, fetch GET
// patterns for each element, and reply or STORE the result as a list.

import type { ArgDoc, CommandSpec, Ctx } from "../types.ts";
import { ItemType, ListObject, type SetObject, type ZSetObject } from "../../store/index.ts";
import { parseDouble } from "../args.ts";
import { WRONGTYPE } from "../errors.ts";
import { KeyEvent } from "../keyspace/signal.ts";
import { storeObject } from "../object.ts";
import { type SortOptions, parseSortOptions, sortKeys } from "./options.ts";
import { lookupByPattern } from "./pattern.ts";

const ERR_SCORES = "ERR One or more scores can't be converted into double";
const scratch = new Uint8Array(512);

/**
 * An element or BY value as sort.c reads it with strtod: leading white space skipped, the
 * rest all consumed, stopping at a NUL byte; an empty string is 0. NaN when invalid.
 */
export function sortScore(s: string): number {
  let end = s.indexOf("\0");
  if (end < 0) end = s.length;
  if (end === 0) return 0;
  let i = 0;
  while (i < end && " \t\n\v\f\r".includes(s[i])) i++;
  const n = end - i;
  const buf = n <= scratch.length ? scratch : new Uint8Array(n);
  for (let k = 0; k < n; k++) buf[k] = s.charCodeAt(i + k);
  return parseDouble(buf, 0, n);
}

/** compareStringObjects: bytes, then length. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The elements the sort starts from, and the window it keeps. */
interface Loaded {
  elements: string[];
  start: number;
  end: number;
}

/** sort.c's LIMIT arithmetic: the window [start, end] of `n` elements (end < start: empty). */
function window(o: SortOptions, n: number): { start: number; end: number } {
  let start = o.limitStart < 0 ? 0 : o.limitStart;
  let end = o.limitCount < 0 ? n - 1 : start + o.limitCount - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  if (end >= n) end = n - 1;
  return { start, end };
}

/**
 * The elements to sort. Unsorted lists and sorted sets keep their order, reversed by DESC,
 * and only the LIMIT window is read (Redis's shortcut, which its output then relies on).
 */
function load(c: Ctx, type: number, obj: unknown, o: SortOptions): Loaded {
  if (obj === null) return { elements: [], start: 0, end: -1 };
  if (type === ItemType.List) {
    const list = obj as ListObject;
    const { start, end } = window(o, list.size);
    if (!o.dontSort) return { elements: list.toArray(), start, end };
    const elements: string[] = [];
    for (let i = start; i <= end; i++) elements.push(list.at(o.desc ? list.size - 1 - i : i));
    return { elements, start: 0, end: end - start };
  }
  if (type === ItemType.Set) return { elements: (obj as SetObject).toArray(), ...window(o, (obj as SetObject).size) };
  const z = obj as ZSetObject;
  const { start, end } = window(o, z.size);
  if (!o.dontSort) return { elements: z.toArray(), start, end };
  const elements: string[] = [];
  let x = end >= start ? z.nodeAt(o.desc ? z.size - 1 - start : start) : null;
  for (let i = start; i <= end && x !== null; i++) {
    elements.push(x.member);
    x = o.desc ? z.prev(x) : z.next(x);
  }
  return { elements, start: 0, end: end - start };
}

/** Sort `elements` in place as sort.c's sortCompare orders them; false when a score is not a number. */
function sortElements(c: Ctx, db: number, elements: string[], o: SortOptions): boolean {
  const n = elements.length;
  const sign = o.desc ? -1 : 1;
  if (o.alpha) {
    if (o.by === null) {
      elements.sort((a, b) => sign * compareBytes(a, b));
      return true;
    }
    const by = new Map<string, string | null>();
    for (const e of elements) by.set(e, lookupByPattern(c, db, o.by, e));
    elements.sort((a, b) => {
      const x = by.get(a) as string | null;
      const y = by.get(b) as string | null;
      if (x === null || y === null) return sign * (x === y ? 0 : x === null ? -1 : 1);
      return sign * compareBytes(x, y);
    });
    return true;
  }
  const scores = new Float64Array(n);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    const v = o.by === null ? elements[i] : lookupByPattern(c, db, o.by, elements[i]);
    if (v === null) continue;
    scores[i] = sortScore(v);
    if (Number.isNaN(scores[i])) return false;
  }
  // Equal scores fall back to the elements' bytes, so the result does not depend on the sort.
  order.sort((i, j) => sign * (scores[i] < scores[j] ? -1 : scores[i] > scores[j] ? 1 : compareBytes(elements[i], elements[j])));
  const sorted = order.map((i) => elements[i]);
  for (let i = 0; i < n; i++) elements[i] = sorted[i];
  return true;
}

function sortGeneric(c: Ctx, readonly: boolean): void {
  const o = parseSortOptions(c, readonly);
  if (o === null) return;
  const a = c.argv;
  const s = c.store;
  const db = c.client.db;
  let type: number = ItemType.List;
  let obj: unknown = null;
  if (s.find(db, a.buf, a.off[1], a.len[1])) {
    type = s.itemType;
    if (type !== ItemType.List && type !== ItemType.Set && type !== ItemType.ZSet) {
      c.reply.error(WRONGTYPE);
      return;
    }
    obj = s.obj;
  }
  // A set has no order of its own: stored results are sorted so they do not depend on it.
  if (o.dontSort && type === ItemType.Set && o.storeArg >= 0) {
    o.dontSort = false;
    o.alpha = true;
    o.by = null;
  }
  const { elements, start, end } = load(c, type, obj, o);
  if (!o.dontSort && !sortElements(c, db, elements, o)) {
    c.reply.error(ERR_SCORES);
    return;
  }
  const count = Math.max(0, end - start + 1);
  if (o.storeArg >= 0) {
    store(c, db, o, elements, start, count);
    return;
  }
  const r = c.reply;
  r.arrayHeader(o.get.length === 0 ? count : count * o.get.length);
  for (let i = start; i < start + count; i++) {
    if (o.get.length === 0) {
      r.bulkLatin1(elements[i]);
      continue;
    }
    for (const p of o.get) {
      const v = lookupByPattern(c, db, p, elements[i]);
      if (v === null) r.nullBulk();
      else r.bulkLatin1(v);
    }
  }
}

/** STORE: the result as a list (a missing GET value as ""), replacing the destination. */
function store(c: Ctx, db: number, o: SortOptions, elements: string[], start: number, count: number): void {
  const list = new ListObject();
  for (let i = start; i < start + count; i++) {
    if (o.get.length === 0) list.pushBack(elements[i]);
    else for (const p of o.get) list.pushBack(lookupByPattern(c, db, p, elements[i]) ?? "");
  }
  const a = c.argv;
  const k = o.storeArg;
  const event = list.size === 0 ? KeyEvent.del : "sortstore";
  if (!storeObject(c, db, a.buf, a.off[k], a.len[k], list, ItemType.List, event)) return;
  c.reply.integer(list.size);
}

const patternArgs: ArgDoc[] = [
  { name: "key", type: "key" },
  { name: "pattern", type: "pattern", token: "BY", optional: true },
  { name: "offset_count", type: "block", token: "LIMIT", optional: true, arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }] },
  { name: "pattern", type: "pattern", token: "GET", optional: true, multiple: true },
  { name: "order", type: "oneof", optional: true, arguments: [{ name: "asc", type: "pure-token", token: "ASC" }, { name: "desc", type: "pure-token", token: "DESC" }] },
  { name: "sorting", type: "pure-token", token: "ALPHA", optional: true },
];

export const SORT: CommandSpec = {
  name: "sort",
  arity: -2,
  flags: ["write", "denyoom"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  keysIn: sortKeys,
  acl: ["write", "set", "sortedset", "list", "slow", "dangerous"],
  group: "generic",
  summary: "Sort the elements in a list, set or sorted set",
  since: "1.0.0",
  complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
  args: [...patternArgs, { name: "destination", type: "key", token: "STORE", optional: true }],
  handler: (c) => sortGeneric(c, false),
};

export const SORT_RO: CommandSpec = {
  name: "sort_ro",
  arity: -2,
  flags: ["readonly"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  keysIn: () => [1],
  acl: ["read", "set", "sortedset", "list", "slow", "dangerous"],
  group: "generic",
  summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
  since: "7.0.0",
  complexity: "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
  args: patternArgs,
  handler: (c) => sortGeneric(c, true),
};

export const sortCommands: CommandSpec[] = [SORT, SORT_RO];
