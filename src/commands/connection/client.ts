import type { CommandSpec } from "../types.ts";
import { validClientName, NAME_INVALID } from "./hello.ts";
import { argText, argUpper, replyHelp } from "./text.ts";

const base = { firstKey: 0, lastKey: 0, step: 0, group: "connection", since: "2.4.0" } as const;

const list: CommandSpec = {
  ...base, name: "client|list", arity: -2, flags: ["admin", "noscript", "loading", "stale"],
  acl: ["admin", "slow", "dangerous", "connection"], summary: "Lists open connections.", complexity: "O(N) where N is the number of client connections",
  args: [
    { name: "client-type", type: "oneof", token: "TYPE", optional: true, arguments: [
      { name: "normal", type: "pure-token", token: "NORMAL" }, { name: "master", type: "pure-token", token: "MASTER" },
      { name: "replica", type: "pure-token", token: "REPLICA" }, { name: "pubsub", type: "pure-token", token: "PUBSUB" }] },
    { name: "client-id", type: "integer", token: "ID", optional: true, multiple: true },
  ],
  handler(c) {
    const argc = c.argv.argc;
    let ids: number[] | undefined;
    let onlyOthers = false;
    if (argc >= 4 && argUpper(c, 2) === "TYPE") {
      if (argc !== 4) return c.reply.error("ERR syntax error");
      const type = argText(c, 3).toLowerCase();
      if (!["normal", "master", "replica", "slave", "pubsub"].includes(type)) return c.reply.error(`ERR Unknown client type '${argText(c, 3)}'`);
      onlyOthers = type !== "normal";
    } else if (argc >= 4 && argUpper(c, 2) === "ID") {
      ids = [];
      for (let i = 3; i < argc; i++) {
        const t = argText(c, i);
        if (!/^\d+$/.test(t) || Number(t) <= 0) return c.reply.error("ERR Invalid client ID");
        ids.push(Number(t));
      }
    } else if (argc !== 2) {
      return c.reply.error("ERR syntax error");
    }
    // Every client is a normal one until pub/sub and replication exist.
    c.reply.verbatim("txt", onlyOthers ? "" : c.server.clientList(ids));
  },
};

const info: CommandSpec = {
  ...base, name: "client|info", arity: 2, flags: ["noscript", "loading", "stale"], since: "6.2.0",
  acl: ["slow", "connection"], summary: "Returns information about the connection.", complexity: "O(1)",
  handler(c) {
    c.reply.verbatim("txt", c.server.clientInfo(c.client));
  },
};

const id: CommandSpec = {
  ...base, name: "client|id", arity: 2, flags: ["noscript", "loading", "stale"], since: "5.0.0",
  acl: ["slow", "connection"], summary: "Returns the unique client ID of the connection.", complexity: "O(1)",
  handler(c) {
    c.reply.integer(c.client.id);
  },
};

const setname: CommandSpec = {
  ...base, name: "client|setname", arity: 3, flags: ["noscript", "loading", "stale"], since: "2.6.9",
  acl: ["slow", "connection"], summary: "Sets the connection name.", complexity: "O(1)",
  args: [{ name: "connection-name", type: "string" }],
  handler(c) {
    const name = argText(c, 2);
    if (!validClientName(name)) return c.reply.error(NAME_INVALID);
    c.client.name = name;
    c.reply.ok();
  },
};

const getname: CommandSpec = {
  ...base, name: "client|getname", arity: 2, flags: ["noscript", "loading", "stale"], since: "2.6.9",
  acl: ["slow", "connection"], summary: "Returns the name of the connection.", complexity: "O(1)",
  handler(c) {
    if (c.client.name === "") c.reply.nullBulk();
    else c.reply.bulkString(c.client.name);
  },
};

const setinfo: CommandSpec = {
  ...base, name: "client|setinfo", arity: 4, flags: ["noscript", "loading", "stale"], since: "7.2.0",
  acl: ["slow", "connection"], summary: "Sets information specific to the client or connection.", complexity: "O(1)",
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

const help: CommandSpec = {
  ...base, name: "client|help", arity: 2, flags: ["loading", "stale"], since: "5.0.0",
  acl: ["slow", "connection"], summary: "Returns helpful text about the different subcommands.", complexity: "O(1)",
  handler(c) {
    replyHelp(c, "CLIENT", [
      "GETNAME", "    Return the name of the current connection.",
      "ID", "    Return the ID of the current connection.",
      "INFO", "    Return information about the current client connection.",
      "LIST [options ...]", "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
      "    * ID <client-id> [<client-id> ...]", "      Return clients of specified IDs only.",
      "SETNAME <name>", "    Assign the name <name> to the current connection.",
      "SETINFO <option> <value>", "    Set client meta attr (LIB-NAME, LIB-VER).",
    ]);
  },
};

export const client: CommandSpec = {
  ...base, name: "client", arity: -2, flags: [], acl: ["slow"], summary: "A container for client connection commands.", complexity: "Depends on subcommand.",
  subcommands: [list, info, id, setname, getname, setinfo, help],
};
