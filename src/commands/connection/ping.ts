import type { CommandSpec } from "../types.ts";

export const ping: CommandSpec = {
  name: "ping", arity: -1, flags: ["fast"], firstKey: 0, lastKey: 0, step: 0,
  acl: ["fast", "connection"], group: "connection", summary: "Returns the server's liveliness response.", since: "1.0.0", complexity: "O(1)",
  args: [{ name: "message", type: "string", optional: true }],
  handler(c) {
    if (c.argv.argc > 2) {
      c.reply.error("ERR wrong number of arguments for 'ping' command");
    } else if (c.client.proto === 2 && c.client.subscribed === true) {
      // A RESP2 subscriber gets ["pong", message] (Redis's pingCommand).
      c.reply.arrayHeader(2);
      c.reply.bulkString("pong");
      if (c.argv.argc === 2) c.reply.bulk(c.argv.buf, c.argv.off[1], c.argv.len[1]);
      else c.reply.bulkString("");
    } else if (c.argv.argc === 2) {
      c.reply.bulk(c.argv.buf, c.argv.off[1], c.argv.len[1]);
    } else {
      c.reply.simple("PONG");
    }
  },
};

export const echo: CommandSpec = {
  name: "echo", arity: 2, flags: ["loading", "stale", "fast"], firstKey: 0, lastKey: 0, step: 0,
  acl: ["fast", "connection"], group: "connection", summary: "Returns the given string.", since: "1.0.0", complexity: "O(1)",
  args: [{ name: "message", type: "string" }],
  handler(c) {
    c.reply.bulk(c.argv.buf, c.argv.off[1], c.argv.len[1]);
  },
};
