// ZADD, ZINCRBY: t_zset.c zaddGenericCommand (ZINCRBY is ZADD with INCR, options included:
// "ZINCRBY key nx 1" reads NX as an option and then finds an odd number of arguments).

import type { CommandSpec, Ctx } from "../types.ts";
import { ZSetObject } from "../../store/index.ts";
import { argFloat, argIs, Tok } from "../args.ts";
import { ERR_NOT_FLOAT, ERR_SYNTAX } from "../errors.ts";
import { latin1, utf8 } from "../../stdx/index.ts";
import { commitZSet, openZSet, ZEvent } from "./access.ts";
import { ERR_GT_LT_NX, ERR_INCR_PAIR, ERR_SCORE_NAN, ERR_XX_AND_NX } from "./errors.ts";
import { replyScore } from "./score.ts";
import { oneKey } from "./spec.ts";

const CH = utf8("ch");
const INCR = utf8("incr");

/** Scores parsed before the key is looked up (Redis validates them all first). */
let scores = new Float64Array(16);

function zaddGeneric(c: Ctx, incrCommand: boolean): void {
  const a = c.argv;
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  let ch = false;
  let incr = incrCommand;
  let scoreArg = 2;
  for (; scoreArg < a.argc; scoreArg++) {
    if (argIs(c, scoreArg, Tok.nx)) nx = true;
    else if (argIs(c, scoreArg, Tok.xx)) xx = true;
    else if (argIs(c, scoreArg, CH)) ch = true;
    else if (argIs(c, scoreArg, INCR)) incr = true;
    else if (argIs(c, scoreArg, Tok.gt)) gt = true;
    else if (argIs(c, scoreArg, Tok.lt)) lt = true;
    else break;
  }
  const words = a.argc - scoreArg;
  if (words % 2 !== 0 || words === 0) {
    c.reply.error(ERR_SYNTAX);
    return;
  }
  const elements = words / 2;
  if (nx && xx) {
    c.reply.error(ERR_XX_AND_NX);
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.reply.error(ERR_GT_LT_NX);
    return;
  }
  if (incr && elements > 1) {
    c.reply.error(ERR_INCR_PAIR);
    return;
  }
  if (scores.length < elements) scores = new Float64Array(Math.max(elements, scores.length * 2));
  for (let j = 0; j < elements; j++) {
    const v = argFloat(c, scoreArg + j * 2);
    if (Number.isNaN(v)) {
      c.reply.error(ERR_NOT_FLOAT);
      return;
    }
    scores[j] = v;
  }

  const handle = openZSet(c, 1);
  if (handle === -2) return;
  let z: ZSetObject;
  if (handle === -1) {
    if (xx) {
      replyAdded(c, incr, ch, 0, 0, 0, 0);
      return;
    }
    z = new ZSetObject();
  } else {
    z = c.store.obj as ZSetObject;
  }

  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  for (let j = 0; j < elements; j++) {
    const memberArg = scoreArg + 1 + j * 2;
    const member = latin1(a.buf, a.off[memberArg], a.len[memberArg]);
    score = scores[j];
    const x = z.node(member);
    if (x !== undefined) {
      if (nx) continue;
      const cur = x.score;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) {
          // Nothing was changed yet: INCR takes a single pair.
          c.reply.error(ERR_SCORE_NAN);
          return;
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      processed++;
      if (score !== cur) {
        z.setScore(x, score);
        updated++;
      }
    } else if (!xx) {
      z.insert(member, score);
      added++;
      processed++;
    }
  }
  if (added + updated > 0 && !commitZSet(c, 1, z, handle, incr ? ZEvent.zincr : ZEvent.zadd)) return;
  replyAdded(c, incr, ch, added, updated, processed, score);
}

function replyAdded(c: Ctx, incr: boolean, ch: boolean, added: number, updated: number, processed: number, score: number): void {
  if (incr) {
    if (processed > 0) replyScore(c.reply, score);
    else c.reply.nullBulk();
    return;
  }
  c.reply.integer(ch ? added + updated : added);
}

function zadd(c: Ctx): void {
  zaddGeneric(c, false);
}

function zincrby(c: Ctx): void {
  zaddGeneric(c, true);
}

export const ZADD: CommandSpec = {
  name: "zadd",
  arity: -4,
  flags: ["write", "denyoom", "fast"],
  ...oneKey,
  acl: ["write", "sortedset", "fast"],
  summary: "Add one or more members to a sorted set, or update its score if it already exists",
  since: "1.2.0",
  complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
  args: [
    { name: "key", type: "key" },
    { name: "condition", type: "oneof", optional: true, arguments: [
      { name: "nx", type: "pure-token", token: "NX" },
      { name: "xx", type: "pure-token", token: "XX" },
    ] },
    { name: "comparison", type: "oneof", optional: true, arguments: [
      { name: "gt", type: "pure-token", token: "GT" },
      { name: "lt", type: "pure-token", token: "LT" },
    ] },
    { name: "change", type: "pure-token", token: "CH", optional: true },
    { name: "increment", type: "pure-token", token: "INCR", optional: true },
    { name: "score_member", type: "block", multiple: true, arguments: [
      { name: "score", type: "double" },
      { name: "member", type: "string" },
    ] },
  ],
  handler: zadd,
};

export const ZINCRBY: CommandSpec = {
  name: "zincrby",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  ...oneKey,
  acl: ["write", "sortedset", "fast"],
  summary: "Increment the score of a member in a sorted set",
  since: "1.2.0",
  complexity: "O(log(N)) where N is the number of elements in the sorted set.",
  args: [
    { name: "key", type: "key" },
    { name: "increment", type: "integer" },
    { name: "member", type: "string" },
  ],
  handler: zincrby,
};

