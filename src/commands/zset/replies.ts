// Replies of members with or without scores, in Redis 7.0's shapes: RESP2 flattens
// member/score pairs into one array, RESP3 nests each pair in a 2-element array.

import type { Ctx } from "../types.ts";
import type { ZSetNode } from "../../store/index.ts";
import { replyScore } from "./score.ts";

/** Nodes picked by a range walk before the reply (its length is only known at the end). */
export const picked: ZSetNode[] = [];

/** The array header for n members. */
export function replyMembersHeader(c: Ctx, n: number, withScores: boolean): void {
  c.reply.arrayHeader(withScores && c.reply.proto === 2 ? n * 2 : n);
}

/** One member, and its score when asked (as a pair in RESP3). */
export function replyMember(c: Ctx, member: string, score: number, withScores: boolean): void {
  const r = c.reply;
  if (withScores && r.proto === 3) r.arrayHeader(2);
  r.bulkLatin1(member);
  if (withScores) replyScore(r, score);
}

/** Reply the picked nodes as an array, then forget them. */
export function replyPicked(c: Ctx, withScores: boolean): void {
  const n = picked.length;
  replyMembersHeader(c, n, withScores);
  for (let i = 0; i < n; i++) {
    const x = picked[i];
    replyMember(c, x.member, x.score, withScores);
  }
  picked.length = 0;
}
