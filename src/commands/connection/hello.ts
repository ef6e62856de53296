import { REDIS_VERSION } from "./version.ts";
import type { CommandSpec, Ctx } from "../types.ts";
import { argText, argUpper } from "./text.ts";
import { checkAuth } from "./auth.ts";

const NAME_INVALID = "ERR Client names cannot contain spaces, newlines or special characters.";

/** Redis's rule for client names: printable ASCII without spaces. */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

export const hello: CommandSpec = {
  name: "hello", arity: -1, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], firstKey: 0, lastKey: 0, step: 0,
  acl: ["fast", "connection"], group: "connection", summary: "Handshakes with the Redis server.", since: "6.0.0", complexity: "O(1)",
  args: [{
    name: "arguments", type: "block", optional: true, arguments: [
      { name: "protover", type: "integer" },
      { name: "username-password", type: "block", token: "AUTH", optional: true, arguments: [{ name: "username", type: "string" }, { name: "password", type: "string" }] },
      { name: "clientname", type: "string", token: "SETNAME", optional: true },
    ],
  }],
  handler(c) {
    const argc = c.argv.argc;
    let proto = c.client.proto;
    let name: string | null = null;
    if (argc >= 2) {
      const ver = argText(c, 1);
      if (!/^(0|-?[1-9]\d*)$/.test(ver)) {
        c.reply.error("ERR Protocol version is not an integer or out of range");
        return;
      }
      const v = Number(ver);
      if (v !== 2 && v !== 3) {
        c.reply.error("NOPROTO unsupported protocol version");
        return;
      }
      proto = v;
      for (let i = 2; i < argc; i++) {
        const opt = argUpper(c, i);
        const more = argc - i - 1;
        if (opt === "AUTH" && more >= 2) {
          const error = checkAuth(argText(c, i + 1), argText(c, i + 2));
          if (error) {
            c.reply.error(error);
            return;
          }
          i += 2;
        } else if (opt === "SETNAME" && more >= 1) {
          name = argText(c, i + 1);
          if (!validClientName(name)) {
            c.reply.error(NAME_INVALID);
            return;
          }
          i += 1;
        } else {
          c.reply.error(`ERR Syntax error in HELLO option '${argText(c, i)}'`);
          return;
        }
      }
    }
    c.client.proto = proto as 2 | 3;
    if (name !== null) c.client.name = name;
    c.reply.proto = c.client.proto;
    replyHelloMap(c);
  },
};

function replyHelloMap(c: Ctx): void {
  const r = c.reply;
  r.mapHeader(7);
  r.bulkString("server");
  r.bulkString("redis");
  r.bulkString("version");
  r.bulkString(REDIS_VERSION);
  r.bulkString("proto");
  r.integer(c.client.proto);
  r.bulkString("id");
  r.integer(c.client.id);
  r.bulkString("mode");
  r.bulkString("standalone");
  r.bulkString("role");
  r.bulkString("master");
  r.bulkString("modules");
  r.arrayHeader(0);
}

export { NAME_INVALID };
