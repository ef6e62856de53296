// The set structure (Redis's set type): members as latin1 strings (one char per byte,
// binary-safe).
//
// Layout: `members` is a dense array and `index` maps each member to its position in it. A
// new member is appended; a removed one is replaced by the last member (swap-remove), so
// add, has, remove and a uniformly random member are all O(1).
//
// Encoding: Redis 7.0 keeps a set as an intset while every member is an integer (string2ll
// rules, int64 range) and there are at most set-max-intset-entries (512) of them, and
// converts it to a hashtable for good the first time either stops being true. An intset is
// sorted, so Redis replies its members in ascending numeric order; this structure does the
// same while it would be an intset, by sorting the array lazily before an ordered read
// (at most 512 members; mutations stay O(1)). Hashtable order is Redis's hash order, which
// no client can rely on; here it is array order.
//
// Scanning walks the array downwards from the end. A cursor c means "positions >= c were
// visited" (0 starts at the end). A swap-remove only moves the last member down, so a
// member not yet visited stays below the cursor and is still reached; a visited member may
// move below it and be returned twice, which the SCAN contract allows. Members added during
// the scan land at the end and may be missed, as the contract also allows. An intset-encoded
// set is returned whole in one step with cursor 0, as Redis does (sorting reorders the array,
// and happens only in that encoding).

import type { StoreObject } from "../types.ts";

/** Redis 7.0's set-max-intset-entries default: more members and the encoding is a hashtable. */
export const SET_MAX_INTSET_ENTRIES = 512;

/** The empty structure: the object, its Map and its array. */
export const SET_BASE_BYTES = 160;
/** Per member on top of its bytes: a string header, a Map entry, an array slot. */
export const SET_MEMBER_OVERHEAD_BYTES = 64;

const INT64_MAX_DIGITS = "9223372036854775807";
const INT64_MIN_DIGITS = "9223372036854775808";

/**
 * Whether a latin1 member is an integer as Redis's string2ll reads it (what makes it
 * intset-encodable): optional '-', no leading zeros, no '+', not "-0", within int64.
 */
export function isInt64Text(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  const negative = s.charCodeAt(0) === 45;
  if (negative) {
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1;
  if (first < 49 || first > 57) return false;
  for (let k = i + 1; k < n; k++) {
    const ch = s.charCodeAt(k);
    if (ch < 48 || ch > 57) return false;
  }
  const digits = n - i;
  if (digits !== 19) return digits < 19;
  const limit = negative ? INT64_MIN_DIGITS : INT64_MAX_DIGITS;
  for (let k = 0; k < 19; k++) {
    const d = s.charCodeAt(i + k) - limit.charCodeAt(k);
    if (d !== 0) return d < 0;
  }
  return true;
}

/** Numeric order of two canonical integer strings (isInt64Text), without parsing them. */
export function compareIntText(a: string, b: string): number {
  const aNegative = a.charCodeAt(0) === 45;
  const bNegative = b.charCodeAt(0) === 45;
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  let r: number;
  if (a.length !== b.length) r = a.length < b.length ? -1 : 1;
  else r = a < b ? -1 : a > b ? 1 : 0;
  return aNegative ? 0 - r : r;
}

export class SetObject implements StoreObject {
  bytes = SET_BASE_BYTES;
  private members: string[] = [];
  private readonly index = new Map<string, number>();
  /** Whether Redis 7.0 would hold this as an intset; once false, false for good. */
  private intset = true;
  /** While intset: whether `members` is in ascending numeric order. */
  private sorted = true;

  get size(): number {
    return this.members.length;
  }

  encoding(): string {
    return this.intset ? "intset" : "hashtable";
  }

  /** True while Redis would hold this as an intset (replies come in ascending order). */
  get isIntset(): boolean {
    return this.intset;
  }

  has(member: string): boolean {
    return this.index.has(member);
  }

  /** Add a member; true when it is new. */
  add(member: string): boolean {
    const index = this.index;
    if (index.has(member)) return false;
    const members = this.members;
    const pos = members.length;
    members.push(member);
    index.set(member, pos);
    this.bytes += member.length + SET_MEMBER_OVERHEAD_BYTES;
    if (this.intset) {
      if (pos >= SET_MAX_INTSET_ENTRIES || !isInt64Text(member)) this.intset = false;
      else if (this.sorted && pos > 0 && compareIntText(members[pos - 1], member) > 0) this.sorted = false;
    }
    return true;
  }

  /** Remove a member; true when it was there. */
  remove(member: string): boolean {
    const index = this.index;
    const pos = index.get(member);
    if (pos === undefined) return false;
    const members = this.members;
    const last = members.length - 1;
    if (pos !== last) {
      const moved = members[last];
      members[pos] = moved;
      index.set(moved, pos);
      this.sorted = false;
    }
    members.pop();
    index.delete(member);
    this.bytes -= member.length + SET_MEMBER_OVERHEAD_BYTES;
    return true;
  }

  /** A uniformly random member; the set must not be empty. */
  randomMember(): string {
    const members = this.members;
    return members[Math.floor(Math.random() * members.length)];
  }

  /**
   * The members in reply order (ascending numeric while intset-encoded). This is the set's
   * own array, valid until the next change: read it, never keep or modify it.
   */
  ordered(): readonly string[] {
    if (this.intset && !this.sorted) this.sortMembers();
    return this.members;
  }

  /** A copy of the members in reply order. */
  toArray(): string[] {
    return this.ordered().slice();
  }

  /**
   * One step of a cursor scan: pushes about `count` members into `out` and returns the next
   * cursor, 0 when done. See the file comment for the guarantee.
   */
  scan(cursor: number, count: number, out: string[]): number {
    const members = this.ordered();
    if (this.intset) {
      for (let i = 0; i < members.length; i++) out.push(members[i]);
      return 0;
    }
    // Cursor 0 starts at the end; a cursor past the end (the set shrank) resumes there.
    let pos = cursor === 0 || cursor > members.length ? members.length : cursor;
    const stop = Math.max(0, pos - count);
    while (pos > stop) out.push(members[--pos]);
    return pos;
  }

  /**
   * Take the encoding a set built anew from these members would have: Redis's SPOP with a
   * count close to the size keeps the survivors in a new set, which is an intset again when
   * they allow it.
   */
  reencode(): void {
    if (this.intset) return;
    const members = this.members;
    if (members.length > SET_MAX_INTSET_ENTRIES) return;
    for (let i = 0; i < members.length; i++) if (!isInt64Text(members[i])) return;
    this.intset = true;
    this.sorted = false;
  }

  clone(): SetObject {
    const copy = new SetObject();
    copy.members = this.members.slice();
    for (let i = 0; i < copy.members.length; i++) copy.index.set(copy.members[i], i);
    copy.intset = this.intset;
    copy.sorted = this.sorted;
    copy.bytes = this.bytes;
    return copy;
  }

  private sortMembers(): void {
    const members = this.members;
    members.sort(compareIntText);
    const index = this.index;
    for (let i = 0; i < members.length; i++) index.set(members[i], i);
    this.sorted = true;
  }
}
