import { globMatch, utf8 } from "../../stdx/index.ts";
import type { ArgDoc, CommandSpec, Ctx } from "../types.ts";
import { argText, argUpper, replyHelp } from "../connection/index.ts";

const base = { firstKey: 0, lastKey: 0, step: 0, group: "server" as string, flags: ["loading", "stale"] as CommandSpec["flags"], acl: ["slow", "connection"] as string[] };

function allSpecs(c: Ctx): CommandSpec[] {
  return c.server.commands.specs;
}

/**
 * The flags Redis 7.0 lists, in its order (addReplyCommandFlags). "may_replicate" is not
 * among them: 7.0 hides it on purpose, so PUBLISH reads "pubsub loading stale fast".
 */
const FLAG_ORDER = [
  "write", "readonly", "denyoom", "admin", "pubsub", "noscript", "blocking", "loading", "stale", "skip_monitor",
  "skip_slowlog", "fast", "no_auth", "no_multi", "movablekeys", "allow_busy",
];

function flagsOf(spec: CommandSpec): string[] {
  const flags: string[] = spec.flags.filter((f) => FLAG_ORDER.includes(f));
  if (spec.numKeysArg !== undefined || spec.keysIn !== undefined) flags.push("movablekeys");
  return flags.sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b));
}

/** The 10-element COMMAND INFO entry of Redis 7. */
function replyInfo(c: Ctx, spec: CommandSpec): void {
  const r = c.reply;
  const flags = flagsOf(spec);
  r.arrayHeader(10);
  r.bulkString(spec.name);
  r.integer(spec.arity);
  r.setHeader(flags.length);
  for (const f of flags) r.simple(f);
  r.integer(spec.firstKey);
  r.integer(spec.lastKey);
  r.integer(spec.step);
  r.setHeader(spec.acl.length);
  for (const a of spec.acl) r.simple(`@${a}`);
  r.arrayHeader(0); // tips
  replyKeySpecs(c, spec);
  const subs = spec.subcommands ?? [];
  r.arrayHeader(subs.length);
  for (const sub of subs) replyInfo(c, sub);
}

/** A key spec: where the search begins, then a range (lastkey, keystep) or a keynum. */
interface KeySpec {
  index: number;
  lastKey: number;
  step: number;
  keyNum: boolean;
}

/**
 * The key specs Redis would list, from first/last/step and numKeysArg: one per key argument
 * when the arguments name the keys one after another from firstKey (LMOVE's source and
 * destination, BITOP's destkey then its keys), one range otherwise (MSET's key-value pairs),
 * and a keynum spec for keys that follow a numkeys argument.
 */
function keySpecs(spec: CommandSpec): KeySpec[] {
  const specs: KeySpec[] = [];
  if (spec.firstKey > 0) {
    const args = spec.args ?? [];
    const at: number[] = [];
    for (let i = 0; i < args.length; i++) if (args[i].type === "key") at.push(i);
    const oneByOne = spec.step === 1 && at.length > 1 && at[0] === spec.firstKey - 1 &&
      at.every((p, i) => p === at[0] + i && (i === at.length - 1 || !args[p].multiple));
    if (oneByOne) {
      for (let i = 0; i < at.length; i++) {
        const index = spec.firstKey + i;
        const multiple = args[at[i]].multiple === true;
        const lastKey = !multiple ? 0 : spec.lastKey < 0 ? spec.lastKey : spec.lastKey - index;
        specs.push({ index, lastKey, step: 1, keyNum: false });
      }
    } else {
      const lastKey = spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey;
      specs.push({ index: spec.firstKey, lastKey, step: spec.step, keyNum: false });
    }
  }
  if (spec.numKeysArg !== undefined) specs.push({ index: spec.numKeysArg, lastKey: 0, step: 1, keyNum: true });
  return specs;
}

function replyKeySpecs(c: Ctx, spec: CommandSpec): void {
  const r = c.reply;
  const specs = keySpecs(spec);
  const write = spec.flags.includes("write");
  r.arrayHeader(specs.length);
  for (const k of specs) {
    r.mapHeader(3);
    r.bulkString("flags");
    r.setHeader(1);
    // The keys before a numkeys argument are what such commands write (ZUNIONSTORE's destination).
    r.simple(write && !(k.keyNum && specs.length > 1) ? "RW" : "RO");
    r.bulkString("begin_search");
    r.mapHeader(2);
    r.bulkString("type");
    r.bulkString("index");
    r.bulkString("spec");
    r.mapHeader(1);
    r.bulkString("index");
    r.integer(k.index);
    r.bulkString("find_keys");
    r.mapHeader(2);
    r.bulkString("type");
    r.bulkString(k.keyNum ? "keynum" : "range");
    r.bulkString("spec");
    r.mapHeader(3);
    if (k.keyNum) {
      r.bulkString("keynumidx");
      r.integer(0);
      r.bulkString("firstkey");
      r.integer(1);
    } else {
      r.bulkString("lastkey");
      r.integer(k.lastKey);
    }
    r.bulkString("keystep");
    r.integer(k.step);
    if (!k.keyNum) {
      r.bulkString("limit");
      r.integer(0);
    }
  }
}

/** COMMAND DOCS arguments; key arguments name their key spec in order (`keySpec.next`). */
function replyArgDocs(c: Ctx, args: ArgDoc[], keySpec: { next: number; count: number }): void {
  const r = c.reply;
  r.arrayHeader(args.length);
  for (const a of args) {
    const flags: string[] = [];
    if (a.optional) flags.push("optional");
    if (a.multiple) flags.push("multiple");
    const fields = 2 + (a.token ? 1 : 0) + (flags.length ? 1 : 0) + (a.arguments ? 1 : 0) + (a.type === "key" ? 1 : 0);
    r.mapHeader(fields);
    r.bulkString("name");
    r.bulkString(a.name);
    r.bulkString("type");
    r.bulkString(a.type);
    if (a.type === "key") {
      r.bulkString("key_spec_index");
      r.integer(Math.min(keySpec.next++, Math.max(0, keySpec.count - 1)));
    }
    if (a.token) {
      r.bulkString("token");
      r.bulkString(a.token);
    }
    if (flags.length) {
      r.bulkString("flags");
      r.setHeader(flags.length);
      for (const f of flags) r.simple(f);
    }
    if (a.arguments) {
      r.bulkString("arguments");
      replyArgDocs(c, a.arguments, keySpec);
    }
  }
}

function replyDocs(c: Ctx, spec: CommandSpec): void {
  const r = c.reply;
  const fields = 3 + (spec.complexity ? 1 : 0) + (spec.args?.length ? 1 : 0) + (spec.subcommands?.length ? 1 : 0);
  r.mapHeader(fields);
  r.bulkString("summary");
  r.bulkString(spec.summary);
  r.bulkString("since");
  r.bulkString(spec.since);
  r.bulkString("group");
  r.bulkString(spec.group);
  if (spec.complexity) {
    r.bulkString("complexity");
    r.bulkString(spec.complexity);
  }
  if (spec.args?.length) {
    r.bulkString("arguments");
    replyArgDocs(c, spec.args, { next: 0, count: keySpecs(spec).length });
  }
  if (spec.subcommands?.length) {
    r.bulkString("subcommands");
    r.mapHeader(spec.subcommands.length);
    for (const sub of spec.subcommands) {
      r.bulkString(sub.name);
      replyDocs(c, sub);
    }
  }
}

const count: CommandSpec = {
  ...base, name: "command|count", arity: 2, since: "2.8.13", summary: "Returns a count of commands.", complexity: "O(1)",
  handler(c) {
    c.reply.integer(allSpecs(c).length);
  },
};

const info: CommandSpec = {
  ...base, name: "command|info", arity: -2, since: "2.8.13", summary: "Returns information about one, multiple or all commands.", complexity: "O(N) where N is the number of commands to look up",
  args: [{ name: "command-name", type: "string", optional: true, multiple: true }],
  handler(c) {
    if (c.argv.argc === 2) {
      const specs = allSpecs(c);
      c.reply.arrayHeader(specs.length);
      for (const s of specs) replyInfo(c, s);
      return;
    }
    c.reply.arrayHeader(c.argv.argc - 2);
    for (let i = 2; i < c.argv.argc; i++) {
      const spec = lookup(c, argText(c, i));
      if (spec) replyInfo(c, spec);
      else c.reply.nullBulk();
    }
  },
};

/** "get" or "client|list" / "client list" style names. */
function lookup(c: Ctx, name: string): CommandSpec | undefined {
  const [container, sub] = name.toLowerCase().split("|");
  const spec = c.server.commands.byName(container);
  if (!spec || sub === undefined) return spec;
  return spec.subcommands?.find((s) => s.name === `${container}|${sub}`);
}

const docs: CommandSpec = {
  ...base, name: "command|docs", arity: -2, since: "7.0.0", summary: "Returns documentary information about one, multiple or all commands.", complexity: "O(N) where N is the number of commands to look up",
  args: [{ name: "command-name", type: "string", optional: true, multiple: true }],
  handler(c) {
    const specs = c.argv.argc === 2 ? allSpecs(c) : [];
    for (let i = 2; i < c.argv.argc; i++) {
      const spec = lookup(c, argText(c, i));
      if (spec) specs.push(spec);
    }
    c.reply.mapHeader(specs.length);
    for (const s of specs) {
      c.reply.bulkString(s.name);
      replyDocs(c, s);
    }
  },
};

const list: CommandSpec = {
  ...base, name: "command|list", arity: -2, since: "7.0.0", summary: "Returns a list of command names.", complexity: "O(N) where N is the total number of Redis commands",
  args: [{ name: "filterby", type: "oneof", token: "FILTERBY", optional: true, arguments: [
    { name: "module-name", type: "string", token: "MODULE" }, { name: "category", type: "string", token: "ACLCAT" }, { name: "pattern", type: "pattern", token: "PATTERN" }] }],
  handler(c) {
    let names = allSpecs(c).map((s) => s.name);
    if (c.argv.argc !== 2) {
      if (c.argv.argc !== 5 || argUpper(c, 2) !== "FILTERBY") return c.reply.error("ERR syntax error");
      const kind = argUpper(c, 3);
      const value = argText(c, 4);
      if (kind === "MODULE") names = [];
      else if (kind === "ACLCAT") names = allSpecs(c).filter((s) => s.acl.includes(value.toLowerCase().replace(/^@/, ""))).map((s) => s.name);
      else if (kind === "PATTERN") {
        const p = utf8(value);
        names = names.filter((n) => {
          const b = utf8(n);
          return globMatch(p, 0, p.length, b, 0, b.length, true);
        });
      } else return c.reply.error("ERR syntax error");
    }
    c.reply.arrayHeader(names.length);
    for (const n of names) c.reply.bulkString(n);
  },
};

const getkeys: CommandSpec = {
  ...base, name: "command|getkeys", arity: -4, since: "2.8.13", summary: "Extracts the key names from an arbitrary command.", complexity: "O(N) where N is the number of arguments to the command",
  args: [{ name: "command", type: "string" }, { name: "arg", type: "string", optional: true, multiple: true }],
  handler(c) {
    const spec = lookup(c, argText(c, 2));
    if (!spec) return c.reply.error("ERR Invalid command specified");
    const words = c.argv.argc - 2;
    if ((spec.arity > 0 && words !== spec.arity) || words < -spec.arity) return c.reply.error("ERR Invalid number of arguments specified for command");
    if (spec.firstKey <= 0 && spec.numKeysArg === undefined) return c.reply.error("ERR The command has no key arguments");
    if (spec.keysIn !== undefined) {
      const words: string[] = [];
      for (let i = 2; i < c.argv.argc; i++) words.push(argText(c, i));
      const found = spec.keysIn(words);
      c.reply.arrayHeader(found.length);
      for (const k of found) c.reply.bulk(c.argv.buf, c.argv.off[k + 2], c.argv.len[k + 2]);
      return;
    }
    const keys: number[] = [];
    const last = spec.lastKey < 0 ? words + spec.lastKey : spec.lastKey;
    if (spec.firstKey > 0) for (let i = spec.firstKey; i <= last; i += spec.step) keys.push(i + 2);
    if (spec.numKeysArg !== undefined) {
      const numKeys = Number(argText(c, spec.numKeysArg + 2));
      if (!Number.isInteger(numKeys) || numKeys < 0 || spec.numKeysArg + numKeys >= words) {
        return c.reply.error("ERR Invalid arguments specified for command");
      }
      for (let i = 1; i <= numKeys; i++) keys.push(spec.numKeysArg + i + 2);
    }
    if (keys.length === 0) return c.reply.error("ERR Invalid arguments specified for command");
    c.reply.arrayHeader(keys.length);
    for (const k of keys) c.reply.bulk(c.argv.buf, c.argv.off[k], c.argv.len[k]);
  },
};

const help: CommandSpec = {
  ...base, name: "command|help", arity: 2, since: "5.0.0", summary: "Returns helpful text about the different subcommands.", complexity: "O(1)",
  handler(c) {
    replyHelp(c, "COMMAND", [
      "(no subcommand)", "    Return details about all Redis commands.",
      "COUNT", "    Return the total number of commands in this Redis server.",
      "LIST", "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
      "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
      "GETKEYS <full-command>", "    Return the keys from a full Redis command.",
    ]);
  },
};

export const command: CommandSpec = {
  ...base, name: "command", arity: -1, since: "2.8.13", summary: "Returns detailed information about all commands.", complexity: "O(N) where N is the total number of Redis commands",
  subcommands: [count, info, docs, list, getkeys, help],
  handler(c) {
    if (c.argv.argc > 1) {
      c.reply.error(`ERR unknown subcommand '${argText(c, 1)}'. Try COMMAND HELP.`);
      return;
    }
    const specs = allSpecs(c);
    c.reply.arrayHeader(specs.length);
    for (const s of specs) replyInfo(c, s);
  },
};
