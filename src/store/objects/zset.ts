// The sorted set: Redis's zset (t_zset.c) as one representation for every size. A skiplist
// with spans (Pugh's skiplist as Redis extends it: a backward link on level 0, and per level
// the number of nodes each link jumps, so rank and element-by-rank are O(log n)) ordered by
// (score, member bytes), plus a Map from member to its node for O(1) score lookups.
//
// Members are latin1 strings (one char per byte). JS compares strings by UTF-16 code units,
// which for chars 0-255 is byte order with a shorter prefix first: exactly Redis's sdscmp
// (memcmp, then length), so `<` on members is Redis's member order.
//
// Redis keeps small zsets in a listpack and converts them to a skiplist for good; only the
// OBJECT ENCODING name and one listpack quirk (below) are visible, so this class tracks which
// of the two Redis would be using and behaves as it would:
// - a listpack stores an integral score as an integer, so -0 is stored (and read back) as 0;
//   the skiplist keeps -0;
// - ZSCAN of a listpack returns everything in one call with cursor 0 (and its scores as the
//   listpack's text, which src/commands/zset/scan.ts writes);
// - lex ranges over mixed scores: a listpack is scanned in order (firstInLex).
//
// Layout: Redis's node holds its level array inline, so a search step costs one cache miss. A
// JS node with per-level arrays costs three (node, array, elements) and measured ~500 ns per
// step at 200k members. So each level of a node's tower is its own small object ("link")
// carrying copies of the score and member: a step reads the next link and compares in place.
// The node itself is its level-0 link; `up`/`down` join a tower, `right` runs along a level.
//
// ZSCAN on the skiplist form needs Redis's SCAN guarantee (an element present for the whole
// iteration is returned at least once). Rank cannot serve as a cursor (removals shift ranks),
// so every node also holds a slot in an array where it never moves: removals leave holes that
// later inserts reuse. When holes pile up the array is compacted and an epoch counter moves
// on; a cursor carries the epoch it was issued in, and a stale one restarts the iteration
// (duplicates are allowed by SCAN's contract, misses are not).

import type { StoreObject } from "../types.ts";

/** zset-max-listpack-entries and zset-max-listpack-value, Redis 7.0's defaults. */
export const ZSET_LISTPACK_MAX_ENTRIES = 128;
export const ZSET_LISTPACK_MAX_VALUE_BYTES = 64;

/** ZSKIPLIST_MAXLEVEL and ZSKIPLIST_P. */
const MAX_LEVEL = 32;
const LEVEL_P = 0.25;

/** The empty structure: the object, its header link, the Map, the slot array. */
const BASE_BYTES = 256;
/** Per member on top of its bytes: its node (and 1/3 of a higher link on average), Map entry, slot. */
const PER_MEMBER_BYTES = 160;

/** Cursor = slot index * CURSOR_EPOCHS + epoch % CURSOR_EPOCHS (0 starts an iteration). */
const CURSOR_EPOCHS = 1024;
/** Compact the slot array when more than half of it (and at least this many slots) are holes. */
const COMPACT_MIN_HOLES = 64;

/**
 * One link of the skiplist. A member's node is its level-0 link (read member/score, walk with
 * ZSetObject.next/prev); its higher links repeat the score and member so searches compare
 * without leaving the link. Mutate only through ZSetObject.
 */
export class ZSetNode {
  member: string;
  score: number;
  /** Next link on this level, and how many level-0 steps it covers. */
  right: ZSetNode | null = null;
  span = 0;
  /** The links above and below in the same tower. */
  up: ZSetNode | null = null;
  down: ZSetNode | null = null;
  /** Level 0 only: the previous node (null for the first). */
  backward: ZSetNode | null = null;
  /** Level 0 only: index in the scan slot array. */
  slot = -1;

  constructor(member: string, score: number) {
    this.member = member;
    this.score = score;
  }
}

/** A score interval (zrangespec): min/max with exclusive flags ("(1.5"). */
export interface ZScoreRange {
  min: number;
  max: number;
  minEx: boolean;
  maxEx: boolean;
}

/** A lex bound's kind: a member value, or "-" / "+" (below / above every member). */
export const ZLexBound = { Value: 0, Min: -1, Max: 1 } as const;

/** A member interval (zlexrangespec): "[a" inclusive, "(a" exclusive, "-" and "+". */
export interface ZLexRange {
  minKind: number;
  min: string;
  minEx: boolean;
  maxKind: number;
  max: string;
  maxEx: boolean;
}

function scoreGteMin(v: number, r: ZScoreRange): boolean {
  return r.minEx ? v > r.min : v >= r.min;
}

function scoreLteMax(v: number, r: ZScoreRange): boolean {
  return r.maxEx ? v < r.max : v <= r.max;
}

/** sdscmplex: compare a member (or a bound) with a bound. */
function cmpLex(aKind: number, a: string, bKind: number, b: string): number {
  if (aKind === bKind && aKind !== ZLexBound.Value) return 0;
  if (aKind === ZLexBound.Min || bKind === ZLexBound.Max) return -1;
  if (aKind === ZLexBound.Max || bKind === ZLexBound.Min) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function lexGteMin(m: string, r: ZLexRange): boolean {
  const c = cmpLex(ZLexBound.Value, m, r.minKind, r.min);
  return r.minEx ? c > 0 : c >= 0;
}

function lexLteMax(m: string, r: ZLexRange): boolean {
  const c = cmpLex(ZLexBound.Value, m, r.maxKind, r.max);
  return r.maxEx ? c < 0 : c <= 0;
}

/** Whether node x sorts before (score, member). */
function before(x: ZSetNode, score: number, member: string): boolean {
  return x.score < score || (x.score === score && x.member < member);
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < LEVEL_P) level++;
  return level;
}

// Search paths, reused by every operation (the store is synchronous and never re-entered):
// update[i] is the last link before the target on level i, rankAt[i] that link's rank.
const update: ZSetNode[] = new Array<ZSetNode>(MAX_LEVEL);
const rankAt: number[] = new Array<number>(MAX_LEVEL).fill(0);

export class ZSetObject implements StoreObject {
  /** heads[i]: the header's link on level i (created as the list grows taller). */
  private readonly heads: ZSetNode[] = [new ZSetNode("", 0)];
  private tail: ZSetNode | null = null;
  private level = 1;
  private length = 0;
  private readonly dict = new Map<string, ZSetNode>();
  /** Redis would hold this zset as a skiplist (else a listpack). Never goes back. */
  private skiplist: boolean;
  private slots: (ZSetNode | null)[] = [];
  private freeSlots: number[] = [];
  private epoch = 0;
  bytes = BASE_BYTES;

  /** `skiplist`: start in Redis's skiplist form (a result known to be big, as ZRANGESTORE does). */
  constructor(skiplist = false) {
    this.skiplist = skiplist;
  }

  get size(): number {
    return this.length;
  }

  encoding(): string {
    return this.skiplist ? "skiplist" : "listpack";
  }

  clone(): ZSetObject {
    const copy = new ZSetObject(this.skiplist);
    for (let x = this.tail; x !== null; x = x.backward) copy.insert(x.member, x.score);
    return copy;
  }

  // ---- lookups --------------------------------------------------------------------------

  score(member: string): number | undefined {
    return this.dict.get(member)?.score;
  }

  has(member: string): boolean {
    return this.dict.has(member);
  }

  /** The node of a member, for a read or a following setScore. */
  node(member: string): ZSetNode | undefined {
    return this.dict.get(member);
  }

  first(): ZSetNode | null {
    return this.heads[0].right;
  }

  last(): ZSetNode | null {
    return this.tail;
  }

  next(x: ZSetNode): ZSetNode | null {
    return x.right;
  }

  prev(x: ZSetNode): ZSetNode | null {
    return x.backward;
  }

  /** 0-based rank of a member (from the highest score when `reverse`); -1 when absent. */
  rank(member: string, reverse: boolean): number {
    const x = this.dict.get(member);
    if (x === undefined) return -1;
    const r = this.rankOf(x);
    return reverse ? this.length - r : r - 1;
  }

  /** The node at 0-based rank (ascending), or null when out of range. */
  nodeAt(rank: number): ZSetNode | null {
    if (rank < 0 || rank >= this.length) return null;
    const target = rank + 1;
    let x = this.heads[this.level - 1];
    let traversed = 0;
    for (;;) {
      let r = x.right;
      while (r !== null && traversed + x.span <= target) {
        traversed += x.span;
        x = r;
        r = x.right;
      }
      if (traversed === target) {
        while (x.down !== null) x = x.down;
        return x;
      }
      x = x.down as ZSetNode;
    }
  }

  /** Members in rank order (SORT, tests). */
  toArray(): string[] {
    const out = new Array<string>(this.length);
    let i = 0;
    for (let x = this.heads[0].right; x !== null; x = x.right) out[i++] = x.member;
    return out;
  }

  // ---- ranges ---------------------------------------------------------------------------

  /** First node with a score in the range (zslFirstInRange), or null. */
  firstInScore(r: ZScoreRange): ZSetNode | null {
    if (!this.scoreRangeOverlaps(r)) return null;
    let x = this.heads[this.level - 1];
    for (;;) {
      let f = x.right;
      while (f !== null && !scoreGteMin(f.score, r)) {
        x = f;
        f = x.right;
      }
      if (x.down === null) break;
      x = x.down;
    }
    const n = x.right;
    return n !== null && scoreLteMax(n.score, r) ? n : null;
  }

  /** Last node with a score in the range (zslLastInRange), or null. */
  lastInScore(r: ZScoreRange): ZSetNode | null {
    if (!this.scoreRangeOverlaps(r)) return null;
    let x = this.heads[this.level - 1];
    for (;;) {
      let f = x.right;
      while (f !== null && scoreLteMax(f.score, r)) {
        x = f;
        f = x.right;
      }
      if (x.down === null) break;
      x = x.down;
    }
    return x !== this.heads[0] && scoreGteMin(x.score, r) ? x : null;
  }

  /**
   * First node with a member in the range, or null. Lex ranges assume equal scores; when
   * scores differ, Redis's answer depends on the encoding: a listpack is scanned from its
   * start (done here too), a skiplist searched top-down (its answer then depends on the
   * random node levels, so no two servers agree).
   */
  firstInLex(r: ZLexRange): ZSetNode | null {
    if (!this.lexRangeOverlaps(r)) return null;
    let x = this.heads[this.level - 1];
    if (!this.skiplist) {
      x = this.heads[0];
    } else {
      for (;;) {
        let f = x.right;
        while (f !== null && !lexGteMin(f.member, r)) {
          x = f;
          f = x.right;
        }
        if (x.down === null) break;
        x = x.down;
      }
    }
    let n = x.right;
    while (n !== null && !lexGteMin(n.member, r)) n = n.right;
    return n !== null && lexLteMax(n.member, r) ? n : null;
  }

  lastInLex(r: ZLexRange): ZSetNode | null {
    if (!this.lexRangeOverlaps(r)) return null;
    if (!this.skiplist) {
      let n = this.tail;
      while (n !== null && !lexLteMax(n.member, r)) n = n.backward;
      return n !== null && lexGteMin(n.member, r) ? n : null;
    }
    let x = this.heads[this.level - 1];
    for (;;) {
      let f = x.right;
      while (f !== null && lexLteMax(f.member, r)) {
        x = f;
        f = x.right;
      }
      if (x.down === null) break;
      x = x.down;
    }
    return x !== this.heads[0] && lexGteMin(x.member, r) ? x : null;
  }

  /** Whether a node's score is within the range's max / at or above its min (range walks). */
  static scoreLteMax(x: ZSetNode, r: ZScoreRange): boolean {
    return scoreLteMax(x.score, r);
  }

  static scoreGteMin(x: ZSetNode, r: ZScoreRange): boolean {
    return scoreGteMin(x.score, r);
  }

  static lexLteMax(x: ZSetNode, r: ZLexRange): boolean {
    return lexLteMax(x.member, r);
  }

  static lexGteMin(x: ZSetNode, r: ZLexRange): boolean {
    return lexGteMin(x.member, r);
  }

  /** Members with a score in the range (ZCOUNT), from two rank lookups. */
  countInScore(r: ZScoreRange): number {
    const a = this.firstInScore(r);
    if (a === null) return 0;
    const b = this.lastInScore(r) as ZSetNode;
    return this.rankOf(b) - this.rankOf(a) + 1;
  }

  countInLex(r: ZLexRange): number {
    const a = this.firstInLex(r);
    if (a === null) return 0;
    if (!this.skiplist) {
      // A listpack is counted by walking on while inside the range (zlexcountCommand).
      let n = 0;
      for (let x: ZSetNode | null = a; x !== null && lexLteMax(x.member, r); x = x.right) n++;
      return n;
    }
    const b = this.lastInLex(r) as ZSetNode;
    return this.rankOf(b) - this.rankOf(a) + 1;
  }

  // ---- changes --------------------------------------------------------------------------

  /** Add a member that is not there yet (check with node()/has() first). */
  insert(member: string, score: number): ZSetNode {
    if (!this.skiplist && (this.length + 1 > ZSET_LISTPACK_MAX_ENTRIES || member.length > ZSET_LISTPACK_MAX_VALUE_BYTES)) {
      this.skiplist = true;
    }
    const x = new ZSetNode(member, this.stored(score));
    this.link(x);
    this.dict.set(member, x);
    x.slot = this.takeSlot(x);
    this.bytes += member.length + PER_MEMBER_BYTES;
    return x;
  }

  /** Add or update; true when the member is new. */
  set(member: string, score: number): boolean {
    const x = this.dict.get(member);
    if (x === undefined) {
      this.insert(member, score);
      return true;
    }
    this.setScore(x, score);
    return false;
  }

  /** Change an existing member's score (zslUpdateScore: in place when the order allows). */
  setScore(x: ZSetNode, score: number): void {
    score = this.stored(score);
    if (score === x.score) return; // as Redis: -0 and 0 are the same score
    const b = x.backward;
    const f = x.right;
    if ((b === null || b.score < score) && (f === null || f.score > score)) {
      for (let l: ZSetNode | null = x; l !== null; l = l.up) l.score = score;
      return;
    }
    this.unlink(x);
    x.score = score;
    this.link(x);
  }

  /** Remove a member; false when absent. */
  remove(member: string): boolean {
    const x = this.dict.get(member);
    if (x === undefined) return false;
    this.unlink(x);
    this.forget(x);
    return true;
  }

  /** Remove and return the lowest (or, with `max`, highest) node; null when empty. */
  pop(max: boolean): ZSetNode | null {
    const x = max ? this.tail : this.heads[0].right;
    if (x === null) return null;
    this.unlink(x);
    this.forget(x);
    return x;
  }

  /** Remove ranks start..end (0-based, inclusive, already clamped); returns how many. */
  removeRangeByRank(start: number, end: number): number {
    let x = this.heads[this.level - 1];
    let traversed = 0;
    const first = start + 1;
    for (let i = this.level - 1; ; i--) {
      let f = x.right;
      while (f !== null && traversed + x.span < first) {
        traversed += x.span;
        x = f;
        f = x.right;
      }
      update[i] = x;
      if (i === 0) break;
      x = x.down as ZSetNode;
    }
    let removed = 0;
    let n = x.right;
    for (let r = first; n !== null && r <= end + 1; r++) {
      const next: ZSetNode | null = n.right;
      this.deleteNode(n);
      this.forget(n);
      removed++;
      n = next;
    }
    return removed;
  }

  removeRangeByScore(r: ZScoreRange): number {
    let x = this.heads[this.level - 1];
    for (let i = this.level - 1; ; i--) {
      let f = x.right;
      while (f !== null && !scoreGteMin(f.score, r)) {
        x = f;
        f = x.right;
      }
      update[i] = x;
      if (i === 0) break;
      x = x.down as ZSetNode;
    }
    let removed = 0;
    let n = x.right;
    while (n !== null && scoreLteMax(n.score, r)) {
      const next: ZSetNode | null = n.right;
      this.deleteNode(n);
      this.forget(n);
      removed++;
      n = next;
    }
    return removed;
  }

  removeRangeByLex(r: ZLexRange): number {
    if (!this.skiplist) {
      // zzlDeleteRangeByLex: from the first node found by a scan, remove while inside.
      let removed = 0;
      let n = this.firstInLex(r);
      while (n !== null && lexLteMax(n.member, r)) {
        const next: ZSetNode | null = n.right;
        this.unlink(n);
        this.forget(n);
        removed++;
        n = next;
      }
      return removed;
    }
    let x = this.heads[this.level - 1];
    for (let i = this.level - 1; ; i--) {
      let f = x.right;
      while (f !== null && !lexGteMin(f.member, r)) {
        x = f;
        f = x.right;
      }
      update[i] = x;
      if (i === 0) break;
      x = x.down as ZSetNode;
    }
    let removed = 0;
    let n = x.right;
    while (n !== null && lexLteMax(n.member, r)) {
      const next: ZSetNode | null = n.right;
      this.deleteNode(n);
      this.forget(n);
      removed++;
      n = next;
    }
    return removed;
  }

  /**
   * zsetConvertToListpackIfNeeded, for a result built in skiplist form (ZUNIONSTORE and
   * friends): back to listpack when small enough, which also stores -0 scores as 0.
   */
  shrinkToListpackIfSmall(): void {
    if (!this.skiplist || this.length > ZSET_LISTPACK_MAX_ENTRIES) return;
    for (let x = this.heads[0].right; x !== null; x = x.right) {
      if (x.member.length > ZSET_LISTPACK_MAX_VALUE_BYTES) return;
    }
    this.skiplist = false;
    for (let x = this.heads[0].right; x !== null; x = x.right) {
      const s = this.stored(x.score);
      for (let l: ZSetNode | null = x; l !== null; l = l.up) l.score = s;
    }
  }

  // ---- scan -----------------------------------------------------------------------------

  /**
   * One ZSCAN step: pushes nodes onto `out` and returns the next cursor (0: done). The
   * listpack form returns everything at once, as Redis does; the skiplist form visits slots
   * from the cursor until `count` members were found or count*10 slots were looked at.
   */
  scan(cursor: number, count: number, out: ZSetNode[]): number {
    if (!this.skiplist) {
      for (let x = this.heads[0].right; x !== null; x = x.right) out.push(x);
      return 0;
    }
    let i = 0;
    if (cursor !== 0 && cursor % CURSOR_EPOCHS === this.epoch % CURSOR_EPOCHS) i = Math.floor(cursor / CURSOR_EPOCHS);
    const slots = this.slots;
    const stop = count * 10;
    let found = 0;
    for (let visited = 0; i < slots.length && found < count && visited < stop; i++, visited++) {
      const x = slots[i];
      if (x !== null) {
        out.push(x);
        found++;
      }
    }
    return i >= slots.length ? 0 : i * CURSOR_EPOCHS + (this.epoch % CURSOR_EPOCHS);
  }

  // ---- internals ------------------------------------------------------------------------

  /** What a score is stored as: a listpack keeps integral scores as integers (-0 is 0). */
  private stored(score: number): number {
    return score === 0 && !this.skiplist ? 0 : score;
  }

  /** 1-based rank of a linked node (zslGetRank). */
  private rankOf(node: ZSetNode): number {
    const score = node.score;
    const member = node.member;
    let x = this.heads[this.level - 1];
    let rank = 0;
    for (;;) {
      let f = x.right;
      while (f !== null && (f.score < score || (f.score === score && f.member <= member))) {
        rank += x.span;
        x = f;
        f = x.right;
      }
      if (x.down === null) break;
      x = x.down;
    }
    if (x !== node) throw new Error("assertion failed: zset node not found by rank");
    return rank;
  }

  private scoreRangeOverlaps(r: ZScoreRange): boolean {
    if (r.min > r.max || (r.min === r.max && (r.minEx || r.maxEx))) return false;
    const t = this.tail;
    if (t === null || !scoreGteMin(t.score, r)) return false;
    const h = this.heads[0].right as ZSetNode;
    return scoreLteMax(h.score, r);
  }

  private lexRangeOverlaps(r: ZLexRange): boolean {
    const c = cmpLex(r.minKind, r.min, r.maxKind, r.max);
    if (c > 0 || (c === 0 && (r.minEx || r.maxEx))) return false;
    const t = this.tail;
    if (t === null || !lexGteMin(t.member, r)) return false;
    const h = this.heads[0].right as ZSetNode;
    return lexLteMax(h.member, r);
  }

  /** Fill update/rankAt with the search path to (score, member). */
  private searchPath(score: number, member: string): void {
    let x = this.heads[this.level - 1];
    let rank = 0;
    for (let i = this.level - 1; ; i--) {
      let f = x.right;
      while (f !== null && before(f, score, member)) {
        rank += x.span;
        x = f;
        f = x.right;
      }
      update[i] = x;
      rankAt[i] = rank;
      if (i === 0) return;
      x = x.down as ZSetNode;
    }
  }

  /** zslInsert of an unlinked node (its level-0 link) with a fresh random tower. */
  private link(x: ZSetNode): void {
    this.searchPath(x.score, x.member);
    const level = randomLevel();
    if (level > this.level) {
      const heads = this.heads;
      for (let i = this.level; i < level; i++) {
        if (heads.length === i) {
          const h = new ZSetNode("", 0);
          h.down = heads[i - 1];
          heads[i - 1].up = h;
          heads.push(h);
        }
        heads[i].span = this.length;
        heads[i].right = null;
        rankAt[i] = 0;
        update[i] = heads[i];
      }
      this.level = level;
    }
    x.up = null;
    x.down = null;
    let l = x;
    for (let i = 0; i < level; i++) {
      if (i > 0) {
        const above = new ZSetNode(x.member, x.score);
        above.down = l;
        l.up = above;
        l = above;
      }
      const u = update[i];
      l.right = u.right;
      u.right = l;
      l.span = u.span - (rankAt[0] - rankAt[i]);
      u.span = rankAt[0] - rankAt[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span++;
    x.backward = update[0] === this.heads[0] ? null : update[0];
    const f0 = x.right;
    if (f0 !== null) f0.backward = x;
    else this.tail = x;
    this.length++;
  }

  /** Take a linked node out of the list (zslDelete's search, then zslDeleteNode). */
  private unlink(x: ZSetNode): void {
    this.searchPath(x.score, x.member);
    this.deleteNode(x);
  }

  /** zslDeleteNode, with `update` holding the search path to x. */
  private deleteNode(x: ZSetNode): void {
    let l: ZSetNode | null = x;
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      if (l !== null && u.right === l) {
        u.span += l.span - 1;
        u.right = l.right;
        l = l.up;
      } else {
        u.span--;
      }
    }
    const f0 = x.right;
    if (f0 !== null) f0.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.heads[this.level - 1].right === null) this.level--;
    this.length--;
  }

  /** Drop an unlinked node from the Map, its slot and the byte count. */
  private forget(x: ZSetNode): void {
    this.dict.delete(x.member);
    this.releaseSlot(x.slot);
    x.slot = -1;
    x.up = null;
    this.bytes -= x.member.length + PER_MEMBER_BYTES;
  }

  private takeSlot(x: ZSetNode): number {
    const free = this.freeSlots;
    if (free.length > 0) {
      const i = free.pop() as number;
      this.slots[i] = x;
      return i;
    }
    this.slots.push(x);
    return this.slots.length - 1;
  }

  private releaseSlot(i: number): void {
    const slots = this.slots;
    slots[i] = null;
    if (this.length === 0) {
      this.slots = [];
      this.freeSlots = [];
      this.epoch++;
      return;
    }
    this.freeSlots.push(i);
    const holes = this.freeSlots.length;
    if (holes >= COMPACT_MIN_HOLES && holes * 2 > slots.length) this.compactSlots();
  }

  /** Pack the slot array; cursors issued before now restart (see the file comment). */
  private compactSlots(): void {
    const slots: ZSetNode[] = [];
    for (let x = this.heads[0].right; x !== null; x = x.right) {
      x.slot = slots.length;
      slots.push(x);
    }
    this.slots = slots;
    this.freeSlots = [];
    this.epoch++;
  }
}
