import { parseDecimal } from "../../stdx/index.ts";
import type { CommandSpec } from "../types.ts";

export const select: CommandSpec = {
  name: "select", arity: 2, flags: ["loading", "stale", "fast"], firstKey: 0, lastKey: 0, step: 0,
  acl: ["fast", "connection"], group: "connection", summary: "Changes the selected database.", since: "1.0.0", complexity: "O(1)",
  args: [{ name: "index", type: "integer" }],
  handler(c) {
    const db = parseDecimal(c.argv.buf, c.argv.off[1], c.argv.len[1]);
    if (Number.isNaN(db)) {
      c.reply.error("ERR value is not an integer or out of range");
    } else if (db < 0 || db >= c.store.options.databases) {
      c.reply.error("ERR DB index is out of range");
    } else {
      c.client.db = db;
      c.reply.ok();
    }
  },
};

export const quit: CommandSpec = {
  name: "quit", arity: -1, flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"], firstKey: 0, lastKey: 0, step: 0,
  acl: ["fast", "connection"], group: "connection", summary: "Closes the connection.", since: "1.0.0", complexity: "O(1)",
  handler(c) {
    c.reply.ok();
    c.client.closeAfterReply = true;
  },
};

export const reset: CommandSpec = {
  name: "reset", arity: 1, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], firstKey: 0, lastKey: 0, step: 0,
  acl: ["fast", "connection"], group: "connection", summary: "Resets the connection.", since: "6.2.0", complexity: "O(1)",
  handler(c) {
    c.server.resetClient(c.client);
    c.reply.proto = c.client.proto;
    c.reply.simple("RESET");
  },
};
