// memcached's meta commands (protocol.txt "Meta Commands"), as memcached 1.6.18 answers them:
// mg, ms, md, ma, mn, me. Every other two-letter command starting with 'm' is ERROR.
import { Replies, type TextParser } from "../../protocol/memcache/index.ts";
import { utf8 } from "../../stdx/index.ts";
import type { Ctx } from "../types.ts";
import { metaArith } from "./meta-arith.ts";
import { metaDebug } from "./meta-debug.ts";
import { metaDelete } from "./meta-delete.ts";
import { metaGet } from "./meta-get.ts";
import { metaSet } from "./meta-set.ts";

const MN = utf8("MN\r\n");

/** Meta commands (mg, ms, md, ma, mn, me); the caller saw a two-byte command starting with 'm'. */
export function runMeta(c: Ctx, p: TextParser): void {
  switch (p.buf[p.off[0] + 1]) {
    case 103: return metaGet(c, p); // g
    case 115: return metaSet(c, p); // s
    case 100: return metaDelete(c, p); // d
    case 97: return metaArith(c, p); // a
    case 110: return c.reply.raw(MN); // n: no-op, marks the end of a pipeline of quiet requests
    case 101: return metaDebug(c, p); // e
    default: return c.reply.raw(Replies.ERROR);
  }
}
