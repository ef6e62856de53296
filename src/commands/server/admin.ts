import type { CommandSpec, Ctx } from "../types.ts";
import { argText, argUpper, replyHelp } from "../connection/index.ts";
import { dbChanging } from "../keyspace/signal.ts";

const base = { firstKey: 0, lastKey: 0, step: 0, group: "server" } as const;

export const info: CommandSpec = {
  ...base, name: "info", arity: -1, flags: ["loading", "stale"], since: "1.0.0",
  acl: ["slow", "dangerous"], summary: "Returns information and statistics about the server.", complexity: "O(1)",
  args: [{ name: "section", type: "string", optional: true, multiple: true }],
  handler(c) {
    const sections: string[] = [];
    for (let i = 1; i < c.argv.argc; i++) sections.push(argText(c, i).toLowerCase());
    c.reply.verbatim("txt", c.server.info(sections));
  },
};

export const dbsize: CommandSpec = {
  ...base, name: "dbsize", arity: 1, flags: ["readonly", "fast"], since: "1.0.0",
  acl: ["keyspace", "read", "fast"], summary: "Returns the number of keys in the database.", complexity: "O(1)",
  handler(c) {
    c.reply.integer(c.store.dbSize(c.client.db));
  },
};

/** FLUSHDB/FLUSHALL take an optional ASYNC or SYNC; both free memory at once here. */
function flushMode(c: Ctx): boolean {
  if (c.argv.argc === 1) return true;
  if (c.argv.argc > 2) return false;
  const mode = argUpper(c, 1);
  return mode === "ASYNC" || mode === "SYNC";
}

const flushArgs = [{ name: "flush-type", type: "oneof", optional: true, arguments: [
  { name: "async", type: "pure-token", token: "ASYNC" }, { name: "sync", type: "pure-token", token: "SYNC" }] }] as CommandSpec["args"];

export const flushdb: CommandSpec = {
  ...base, name: "flushdb", arity: -1, flags: ["write"], since: "1.0.0",
  acl: ["keyspace", "write", "slow", "dangerous"], summary: "Removes all keys from the current database.", complexity: "O(N) where N is the number of keys in the selected database",
  args: flushArgs,
  handler(c) {
    if (!flushMode(c)) return c.reply.error("ERR syntax error");
    dbChanging(c, c.client.db);
    c.store.flushDb(c.client.db);
    c.reply.ok();
  },
};

export const flushall: CommandSpec = {
  ...base, name: "flushall", arity: -1, flags: ["write"], since: "1.0.0",
  acl: ["keyspace", "write", "slow", "dangerous"], summary: "Removes all keys from all databases.", complexity: "O(N) where N is the total number of keys in all databases",
  args: flushArgs,
  handler(c) {
    if (!flushMode(c)) return c.reply.error("ERR syntax error");
    dbChanging(c, -1);
    c.store.flushAll();
    c.reply.ok();
  },
};

export const time: CommandSpec = {
  ...base, name: "time", arity: 1, flags: ["loading", "stale", "fast"], since: "2.6.0",
  acl: ["fast"], summary: "Returns the server time.", complexity: "O(1)",
  handler(c) {
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    c.reply.arrayHeader(2);
    c.reply.bulkString(String(Math.floor(us / 1e6)));
    c.reply.bulkString(String(us % 1e6));
  },
};

const debugSleep: CommandSpec = {
  ...base, name: "debug|sleep", arity: 3, flags: ["admin", "noscript", "loading", "stale"], since: "1.0.0",
  acl: ["admin", "slow", "dangerous"], summary: "Blocks the server for the given number of seconds.", complexity: "O(1)",
  args: [{ name: "seconds", type: "double" }],
  handler(c) {
    const t = argText(c, 2);
    const secs = Number(t);
    if (t.trim() === "" || !Number.isFinite(secs)) return c.reply.error("ERR value is not a valid float");
    if (secs > 0) c.server.sleep(secs * 1000);
    c.reply.ok();
  },
};

const debugHelp: CommandSpec = {
  ...base, name: "debug|help", arity: 2, flags: ["admin", "noscript", "loading", "stale"], since: "1.0.0",
  acl: ["admin", "slow", "dangerous"], summary: "Returns helpful text about the different subcommands.", complexity: "O(1)",
  handler(c) {
    replyHelp(c, "DEBUG", ["SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed."]);
  },
};

export const debug: CommandSpec = {
  ...base, name: "debug", arity: -2, flags: ["admin", "noscript", "loading", "stale"], since: "1.0.0",
  acl: ["admin", "slow", "dangerous"], summary: "A container for debugging commands.", complexity: "Depends on subcommand.",
  subcommands: [debugSleep, debugHelp],
};

export const shutdown: CommandSpec = {
  ...base, name: "shutdown", arity: -1, flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"], since: "1.0.0",
  acl: ["admin", "slow", "dangerous"], summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.", complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
  args: [
    { name: "save-selector", type: "oneof", optional: true, arguments: [{ name: "nosave", type: "pure-token", token: "NOSAVE" }, { name: "save", type: "pure-token", token: "SAVE" }] },
    { name: "now", type: "pure-token", token: "NOW", optional: true },
    { name: "force", type: "pure-token", token: "FORCE", optional: true },
    { name: "abort", type: "pure-token", token: "ABORT", optional: true },
  ],
  handler(c) {
    const opts = new Set<string>();
    for (let i = 1; i < c.argv.argc; i++) {
      const o = argUpper(c, i);
      if (!["NOSAVE", "SAVE", "NOW", "FORCE", "ABORT"].includes(o)) return c.reply.error("ERR syntax error");
      opts.add(o);
    }
    if (opts.has("NOSAVE") && opts.has("SAVE")) return c.reply.error("ERR syntax error");
    if (opts.has("ABORT")) {
      if (opts.size > 1) return c.reply.error("ERR syntax error");
      return c.reply.error("ERR No shutdown in progress.");
    }
    const error = c.server.shutdown(c.client, "SHUTDOWN command");
    if (error) return c.reply.error(error);
    // Like Redis, a successful SHUTDOWN sends no reply: the connection just closes.
    c.client.closeAfterReply = true;
  },
};

