import type { CommandSpec } from "../types.ts";
import { argText, replyHelp } from "../connection/index.ts";

const base = { firstKey: 0, lastKey: 0, step: 0, group: "server" } as const;

const get: CommandSpec = {
  ...base, name: "config|get", arity: -3, flags: ["admin", "noscript", "loading", "stale"], since: "2.0.0",
  acl: ["admin", "slow", "dangerous"], summary: "Returns the effective values of configuration parameters.", complexity: "O(N) when N is the number of configuration parameters provided",
  args: [{ name: "parameter", type: "string", multiple: true }],
  handler(c) {
    const patterns: string[] = [];
    for (let i = 2; i < c.argv.argc; i++) patterns.push(argText(c, i));
    const pairs = c.server.configGet(patterns);
    c.reply.mapHeader(pairs.length);
    for (const [k, v] of pairs) {
      c.reply.bulkString(k);
      c.reply.bulkString(v);
    }
  },
};

const set: CommandSpec = {
  ...base, name: "config|set", arity: -4, flags: ["admin", "noscript", "loading", "stale"], since: "2.0.0",
  acl: ["admin", "slow", "dangerous"], summary: "Sets configuration parameters in-flight.", complexity: "O(N) when N is the number of configuration parameters provided",
  args: [{ name: "data", type: "block", multiple: true, arguments: [{ name: "parameter", type: "string" }, { name: "value", type: "string" }] }],
  handler(c) {
    // configSetCommand: an odd number of words after SET is a syntax error (arity covers too few).
    if ((c.argv.argc - 2) % 2 !== 0) return c.reply.error("ERR syntax error");
    const pairs: [string, string][] = [];
    for (let i = 2; i < c.argv.argc; i += 2) pairs.push([argText(c, i), argText(c, i + 1)]);
    const error = c.server.configSet(pairs);
    if (error) c.reply.error(error);
    else c.reply.ok();
  },
};

const resetstat: CommandSpec = {
  ...base, name: "config|resetstat", arity: 2, flags: ["admin", "noscript", "loading", "stale"], since: "2.0.0",
  acl: ["admin", "slow", "dangerous"], summary: "Resets the server's statistics.", complexity: "O(1)",
  handler(c) {
    c.server.resetStats();
    c.reply.ok();
  },
};

const rewrite: CommandSpec = {
  ...base, name: "config|rewrite", arity: 2, flags: ["admin", "noscript", "loading", "stale"], since: "2.8.0",
  acl: ["admin", "slow", "dangerous"], summary: "Rewrite the configuration file with the in memory configuration", complexity: "O(1)",
  handler(c) {
    const error = c.server.configRewrite();
    if (error) c.reply.error(error);
    else c.reply.ok();
  },
};

const help: CommandSpec = {
  ...base, name: "config|help", arity: 2, flags: ["loading", "stale"], since: "5.0.0",
  acl: ["slow"], summary: "Returns helpful text about the different subcommands.", complexity: "O(1)",
  handler(c) {
    replyHelp(c, "CONFIG", [
      "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
      "RESETSTAT", "    Reset statistics reported by the INFO command.",
      "REWRITE", "    Rewrite the configuration file.",
    ]);
  },
};

export const config: CommandSpec = {
  ...base, name: "config", arity: -2, flags: [], since: "2.0.0", acl: ["slow"], summary: "A container for server configuration commands.", complexity: "Depends on subcommand.",
  subcommands: [get, set, resetstat, rewrite, help],
};
