// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: object.c objectCommand. The
// dispatcher routes "object <sub>" to the subcommand specs and answers unknown ones.

import type { CommandSpec, Ctx } from "../types.ts";
import { Counter, counters } from "../../metrics/index.ts";
import { ERR_LFU_NOT_SELECTED, ERR_LFU_SELECTED } from "../errors.ts";
import { parseInt64 } from "../../stdx/index.ts";

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;

/** objectCommandLookupOrReply: peek argv[2]; null reply and false when missing. */
function lookup(c: Ctx): boolean {
  const a = c.argv;
  if (!c.store.peek(c.client.db, a.buf, a.off[2], a.len[2])) {
    counters[Counter.cacheMisses]++;
    c.reply.nullBulk();
    return false;
  }
  counters[Counter.cacheHits]++;
  return true;
}

/** The lfuEnabled server hook when the server provides one; undefined when it does not. */
function lfuEnabled(c: Ctx): boolean | undefined {
  const v = c.server.lfuEnabled;
  return typeof v === "boolean" ? v : undefined;
}

function encoding(c: Ctx): void {
  if (!lookup(c)) return;
  const s = c.store;
  if (s.obj !== null) {
    c.reply.bulkString(s.obj.encoding());
    return;
  }
  // tryObjectEncoding: integers that fit a long are "int", short strings "embstr".
  const len = s.valueLength;
  if (len <= 20 && parseInt64(s.buf, s.valueOffset, len) !== null) c.reply.bulkString("int");
  else if (len <= EMBSTR_SIZE_LIMIT) c.reply.bulkString("embstr");
  else c.reply.bulkString("raw");
}

function freq(c: Ctx): void {
  if (!lookup(c)) return;
  if (lfuEnabled(c) === false) {
    c.reply.error(ERR_LFU_NOT_SELECTED);
    return;
  }
  c.reply.integer(c.store.itemFreq());
}

function idletime(c: Ctx): void {
  if (!lookup(c)) return;
  if (lfuEnabled(c) === true) {
    c.reply.error(ERR_LFU_SELECTED);
    return;
  }
  c.reply.integer(Math.floor(c.store.itemIdleMs() / 1000));
}

/** Values are never shared between keys here, so every live key has one reference. */
function refcount(c: Ctx): void {
  if (!lookup(c)) return;
  c.reply.integer(1);
}

const HELP = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

function help(c: Ctx): void {
  c.reply.arrayHeader(HELP.length);
  for (const line of HELP) c.reply.simple(line);
}

export const OBJECT: CommandSpec = {
  name: "object",
  arity: -2,
  flags: [],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  acl: ["slow"],
  group: "generic",
  summary: "A container for object introspection commands",
  since: "2.2.3",
  complexity: "Depends on subcommand.",
  subcommands: [
    {
      name: "object|encoding",
      arity: 3,
      flags: ["readonly"],
      firstKey: 2,
      lastKey: 2,
      step: 1,
      acl: ["keyspace", "read", "slow"],
      group: "generic",
      summary: "Inspect the internal encoding of a Redis object",
      since: "2.2.3",
      complexity: "O(1)",
      args: [
        { name: "key", type: "key" },
      ],
      handler: encoding,
    },
    {
      name: "object|freq",
      arity: 3,
      flags: ["readonly"],
      firstKey: 2,
      lastKey: 2,
      step: 1,
      acl: ["keyspace", "read", "slow"],
      group: "generic",
      summary: "Get the logarithmic access frequency counter of a Redis object",
      since: "4.0.0",
      complexity: "O(1)",
      args: [
        { name: "key", type: "key" },
      ],
      handler: freq,
    },
    {
      name: "object|refcount",
      arity: 3,
      flags: ["readonly"],
      firstKey: 2,
      lastKey: 2,
      step: 1,
      acl: ["keyspace", "read", "slow"],
      group: "generic",
      summary: "Get the number of references to the value of the key",
      since: "2.2.3",
      complexity: "O(1)",
      args: [
        { name: "key", type: "key" },
      ],
      handler: refcount,
    },
    {
      name: "object|help",
      arity: 2,
      flags: ["loading", "stale"],
      firstKey: 0,
      lastKey: 0,
      step: 0,
      acl: ["keyspace", "slow"],
      group: "generic",
      summary: "Show helpful text about the different subcommands",
      since: "6.2.0",
      complexity: "O(1)",
      handler: help,
    },
    {
      name: "object|idletime",
      arity: 3,
      flags: ["readonly"],
      firstKey: 2,
      lastKey: 2,
      step: 1,
      acl: ["keyspace", "read", "slow"],
      group: "generic",
      summary: "Get the time since a Redis object was last accessed",
      since: "2.2.3",
      complexity: "O(1)",
      args: [
        { name: "key", type: "key" },
      ],
      handler: idletime,
    },
  ],
};
