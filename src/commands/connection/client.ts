// CLIENT and its subcommands as Redis 7.0 has them (networking.c clientCommand): the specs
// carry Redis 7.0.15's COMMAND INFO and COMMAND DOCS, and the handlers its replies and error
// texts. What needs the server (the client list, kills, pauses, waking a blocked client) goes
// through ServerHooks. CLIENT TRACKING, TRACKINGINFO and CACHING are not implemented: they
// answer as unknown subcommands.

import { argLongLong } from "../args.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX } from "../errors.ts";
import { type ClientKillFilter, type ClientType, type CommandSpec, type Ctx, ReplyFlag } from "../types.ts";
import { validClientName, NAME_INVALID } from "./hello.ts";
import { argText, argUpper, replyHelp } from "./text.ts";

const base = { firstKey: 0, lastKey: 0, step: 0, group: "connection", since: "2.4.0" } as const;
/** Flags and ACL categories of the admin subcommands (LIST, KILL, PAUSE, UNPAUSE, NO-EVICT, UNBLOCK). */
const admin = { flags: ["admin", "noscript", "loading", "stale"], acl: ["admin", "slow", "dangerous", "connection"] } satisfies Partial<CommandSpec>;
/** Flags and ACL categories of the others. */
const plain = { flags: ["noscript", "loading", "stale"], acl: ["slow", "connection"] } satisfies Partial<CommandSpec>;

/** Redis's getClientTypeByName: "slave" is "replica". */
function clientTypeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case "normal":
      return "normal";
    case "slave":
    case "replica":
      return "replica";
    case "pubsub":
      return "pubsub";
    case "master":
      return "master";
    default:
      return null;
  }
}

/** Redis's addReplySubcommandSyntaxError: a known subcommand given too many arguments. */
function subcommandSyntaxError(c: Ctx): void {
  c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${argText(c, 1)}'. Try CLIENT HELP.`);
}

const list: CommandSpec = {
  ...base, ...admin, name: "client|list", arity: -2,
  summary: "Get the list of client connections", complexity: "O(N) where N is the number of client connections",
  args: [
    { name: "normal_master_replica_pubsub", type: "oneof", token: "TYPE", optional: true, arguments: [
      { name: "normal", type: "pure-token", token: "NORMAL" }, { name: "master", type: "pure-token", token: "MASTER" },
      { name: "replica", type: "pure-token", token: "REPLICA" }, { name: "pubsub", type: "pure-token", token: "PUBSUB" }] },
    { name: "id", type: "block", token: "ID", optional: true, arguments: [{ name: "client-id", type: "integer", multiple: true }] },
  ],
  handler(c) {
    const argc = c.argv.argc;
    if (argc === 4 && argUpper(c, 2) === "TYPE") {
      const type = clientTypeByName(argText(c, 3));
      if (type === null) return c.reply.error(`ERR Unknown client type '${argText(c, 3)}'`);
      return c.reply.verbatim("txt", c.server.clientList(c.client, undefined, type));
    }
    if (argc > 3 && argUpper(c, 2) === "ID") {
      // Any integer: ids no client has (0, negative) just match nothing.
      const ids: number[] = [];
      for (let i = 3; i < argc; i++) {
        const id = argLongLong(c, i);
        if (Number.isNaN(id)) return c.reply.error("ERR Invalid client ID");
        ids.push(id);
      }
      return c.reply.verbatim("txt", c.server.clientList(c.client, ids));
    }
    if (argc !== 2) return c.reply.error(ERR_SYNTAX);
    c.reply.verbatim("txt", c.server.clientList(c.client));
  },
};

const info: CommandSpec = {
  ...base, ...plain, name: "client|info", arity: 2, since: "6.2.0",
  summary: "Returns information about the current client connection.", complexity: "O(1)",
  handler(c) {
    c.reply.verbatim("txt", c.server.clientInfo(c.client));
  },
};

const id: CommandSpec = {
  ...base, ...plain, name: "client|id", arity: 2, since: "5.0.0",
  summary: "Returns the client ID for the current connection", complexity: "O(1)",
  handler(c) {
    c.reply.integer(c.client.id);
  },
};

const setname: CommandSpec = {
  ...base, ...plain, name: "client|setname", arity: 3, since: "2.6.9",
  summary: "Set the current connection name", complexity: "O(1)",
  args: [{ name: "connection-name", type: "string" }],
  handler(c) {
    const name = argText(c, 2);
    if (!validClientName(name)) return c.reply.error(NAME_INVALID);
    c.client.name = name;
    c.reply.ok();
  },
};

const getname: CommandSpec = {
  ...base, ...plain, name: "client|getname", arity: 2, since: "2.6.9",
  summary: "Get the current connection name", complexity: "O(1)",
  handler(c) {
    if (c.client.name === "") c.reply.nullBulk();
    else c.reply.bulkString(c.client.name);
  },
};

/** Redis 7.2's CLIENT SETINFO (not in 7.0; CLIENT LIST shows no lib-name/lib-ver, as 7.0's does not). */
const setinfo: CommandSpec = {
  ...base, ...plain, name: "client|setinfo", arity: 4, since: "7.2.0",
  summary: "Sets information specific to the client or connection.", complexity: "O(1)",
  args: [{ name: "attr", type: "oneof", arguments: [{ name: "libname", type: "string", token: "LIB-NAME" }, { name: "libver", type: "string", token: "LIB-VER" }] }],
  handler(c) {
    const attr = argUpper(c, 2);
    const value = argText(c, 3);
    if (!validClientName(value)) return c.reply.error(`ERR ${attr.toLowerCase()} cannot contain spaces, newlines or special characters.`);
    if (attr === "LIB-NAME") c.client.libName = value;
    else if (attr === "LIB-VER") c.client.libVersion = value;
    else return c.reply.error(`ERR Unrecognized option '${argText(c, 2)}'`);
    c.reply.ok();
  },
};

/**
 * The new form's filters (Redis's clientKillCommand), read in order: the first bad one is the
 * error. MAXAGE is Redis 7.4's (7.0.15 answers it with a syntax error); it is here because
 * operators ask for it. Returns null after replying an error.
 */
function killFilter(c: Ctx): ClientKillFilter | null {
  const argc = c.argv.argc;
  const f: ClientKillFilter = { skipMe: true };
  for (let i = 2; i < argc; i += 2) {
    const option = argUpper(c, i);
    if (i + 1 >= argc) {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
    if (option === "ID") {
      const v = argLongLong(c, i + 1);
      if (!(v >= 1)) {
        c.reply.error("ERR client-id should be greater than 0");
        return null;
      }
      f.id = v;
    } else if (option === "TYPE") {
      const type = clientTypeByName(argText(c, i + 1));
      if (type === null) {
        c.reply.error(`ERR Unknown client type '${argText(c, i + 1)}'`);
        return null;
      }
      f.type = type;
    } else if (option === "ADDR") {
      f.addr = argText(c, i + 1);
    } else if (option === "LADDR") {
      f.laddr = argText(c, i + 1);
    } else if (option === "USER") {
      const user = argText(c, i + 1);
      if (!c.server.userExists(user)) {
        c.reply.error(`ERR No such user '${user}'`);
        return null;
      }
      f.user = user;
    } else if (option === "SKIPME") {
      const v = argUpper(c, i + 1);
      if (v === "YES") f.skipMe = true;
      else if (v === "NO") f.skipMe = false;
      else {
        c.reply.error(ERR_SYNTAX);
        return null;
      }
    } else if (option === "MAXAGE") {
      const v = argLongLong(c, i + 1);
      if (Number.isNaN(v)) {
        c.reply.error("ERR maxage is not an integer or out of range");
        return null;
      }
      if (v <= 0) {
        c.reply.error("ERR maxage should be greater than 0");
        return null;
      }
      f.maxAgeSecs = v;
    } else {
      c.reply.error(ERR_SYNTAX);
      return null;
    }
  }
  return f;
}

const kill: CommandSpec = {
  ...base, ...admin, name: "client|kill", arity: -3,
  summary: "Kill the connection of a client", complexity: "O(N) where N is the number of client connections",
  args: [{ name: "filter", type: "oneof", arguments: [
    { name: "ip:port", type: "string" },
    { name: "new-format", type: "oneof", multiple: true, arguments: [
      { name: "client-id", type: "integer", token: "ID", optional: true },
      { name: "normal_master_slave_pubsub", type: "oneof", token: "TYPE", optional: true, arguments: [
        { name: "normal", type: "pure-token", token: "NORMAL" }, { name: "master", type: "pure-token", token: "MASTER" },
        { name: "slave", type: "pure-token", token: "SLAVE" }, { name: "replica", type: "pure-token", token: "REPLICA" },
        { name: "pubsub", type: "pure-token", token: "PUBSUB" }] },
      { name: "username", type: "string", token: "USER", optional: true },
      { name: "ip:port", type: "string", token: "ADDR", optional: true },
      { name: "ip:port", type: "string", token: "LADDR", optional: true },
      { name: "yes/no", type: "string", token: "SKIPME", optional: true },
    ] },
  ] }],
  handler(c) {
    // The old form, CLIENT KILL addr:port, may kill the caller itself and answers +OK.
    const old = c.argv.argc === 3;
    const filter = old ? { addr: argText(c, 2), skipMe: false } : killFilter(c);
    if (filter === null) return;
    const { killed, self } = c.server.clientKill(c.client, filter);
    if (!old) c.reply.integer(killed);
    else if (killed === 0) c.reply.error("ERR No such client");
    else c.reply.ok();
    // The caller goes once this reply is written (Redis's CLIENT_CLOSE_AFTER_REPLY).
    if (self) c.client.closeAfterReply = true;
  },
};

const pause: CommandSpec = {
  ...base, ...admin, name: "client|pause", arity: -3, since: "2.9.50",
  summary: "Stop processing commands from clients for some time", complexity: "O(1)",
  args: [
    { name: "timeout", type: "integer" },
    { name: "mode", type: "oneof", optional: true, arguments: [{ name: "write", type: "pure-token", token: "WRITE" }, { name: "all", type: "pure-token", token: "ALL" }] },
  ],
  handler(c) {
    const argc = c.argv.argc;
    if (argc > 4) return subcommandSyntaxError(c);
    let all = true;
    if (argc === 4) {
      const mode = argUpper(c, 3);
      if (mode === "WRITE") all = false;
      else if (mode !== "ALL") return c.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
    }
    const ms = argLongLong(c, 2);
    if (Number.isNaN(ms)) return c.reply.error("ERR timeout is not an integer or out of range");
    if (ms < 0) return c.reply.error("ERR timeout is negative");
    c.server.clientPause(ms, all);
    c.reply.ok();
  },
};

const unpause: CommandSpec = {
  ...base, ...admin, name: "client|unpause", arity: 2, since: "6.2.0",
  summary: "Resume processing of clients that were paused", complexity: "O(N) Where N is the number of paused clients",
  handler(c) {
    c.server.clientUnpause();
    c.reply.ok();
  },
};

const reply: CommandSpec = {
  ...base, ...plain, name: "client|reply", arity: 3, since: "3.2.0",
  summary: "Instruct the server whether to reply to commands", complexity: "O(1)",
  args: [{ name: "on_off_skip", type: "oneof", arguments: [
    { name: "on", type: "pure-token", token: "ON" }, { name: "off", type: "pure-token", token: "OFF" }, { name: "skip", type: "pure-token", token: "SKIP" }] }],
  handler(c) {
    // The server drops replies after each command (connection.ts); ON's own +OK goes out.
    const mode = argUpper(c, 2);
    const client = c.client;
    if (mode === "ON") {
      client.replyFlags = 0;
      c.reply.ok();
    } else if (mode === "OFF") {
      client.replyFlags |= ReplyFlag.off;
    } else if (mode === "SKIP") {
      if ((client.replyFlags & ReplyFlag.off) === 0) client.replyFlags |= ReplyFlag.skipNext;
    } else {
      c.reply.error(ERR_SYNTAX);
    }
  },
};

const noEvict: CommandSpec = {
  ...base, ...admin, name: "client|no-evict", arity: 3, since: "7.0.0",
  summary: "Set client eviction mode for the current connection", complexity: "O(1)",
  args: [{ name: "enabled", type: "oneof", arguments: [{ name: "on", type: "pure-token", token: "ON" }, { name: "off", type: "pure-token", token: "OFF" }] }],
  handler(c) {
    // Crucible does not evict clients (Redis's maxmemory-clients); the flag is kept and shown.
    const mode = argUpper(c, 2);
    if (mode === "ON") c.client.noEvict = true;
    else if (mode === "OFF") c.client.noEvict = false;
    else return c.reply.error(ERR_SYNTAX);
    c.reply.ok();
  },
};

const getredir: CommandSpec = {
  ...base, ...plain, name: "client|getredir", arity: 2, since: "6.0.0",
  summary: "Get tracking notifications redirection client ID if any", complexity: "O(1)",
  handler(c) {
    // No client tracking: never redirecting.
    c.reply.integer(-1);
  },
};

const unblock: CommandSpec = {
  ...base, ...admin, name: "client|unblock", arity: -3, since: "5.0.0",
  summary: "Unblock a client blocked in a blocking command from a different connection", complexity: "O(log N) where N is the number of client connections",
  args: [
    { name: "client-id", type: "integer" },
    { name: "timeout_error", type: "oneof", optional: true, arguments: [{ name: "timeout", type: "pure-token", token: "TIMEOUT" }, { name: "error", type: "pure-token", token: "ERROR" }] },
  ],
  handler(c) {
    const argc = c.argv.argc;
    if (argc > 4) return subcommandSyntaxError(c);
    let withError = false;
    if (argc === 4) {
      const reason = argUpper(c, 3);
      if (reason === "ERROR") withError = true;
      else if (reason !== "TIMEOUT") return c.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
    const target = argLongLong(c, 2);
    if (Number.isNaN(target)) return c.reply.error(ERR_NOT_INTEGER);
    c.reply.integer(c.server.clientUnblock(c.client, target, withError));
  },
};

const help: CommandSpec = {
  ...base, name: "client|help", arity: 2, flags: ["loading", "stale"], acl: ["slow", "connection"], since: "5.0.0",
  summary: "Show helpful text about the different subcommands", complexity: "O(1)",
  handler(c) {
    // Redis 7.0.15's text without CACHING, TRACKING and TRACKINGINFO; with SETINFO (7.2) and
    // KILL's MAXAGE (7.4), which Crucible has.
    replyHelp(c, "CLIENT", [
      "GETREDIR", "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME", "    Return the name of the current connection.",
      "ID", "    Return the ID of the current connection.",
      "INFO", "    Return information about the current client connection.",
      "KILL <ip:port>", "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
      "    * USER <username>", "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)", "      Skip killing current connection (default: yes).",
      "    * MAXAGE <maxage>", "      Kill connections older than the specified age.",
      "LIST [options ...]", "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
      "UNPAUSE", "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
      "SETNAME <name>", "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>", "    Set client meta attr (LIB-NAME, LIB-VER).",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client.",
      "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
    ]);
  },
};

export const client: CommandSpec = {
  ...base, name: "client", arity: -2, flags: [], acl: ["slow"], summary: "A container for client connection commands", complexity: "Depends on subcommand.",
  subcommands: [list, info, id, kill, pause, unpause, reply, noEvict, getredir, unblock, setname, getname, setinfo, help],
};
