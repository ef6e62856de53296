import type { CommandSpec } from "../types.ts";
import { argText } from "./text.ts";

/**
 * No password is configured (requirepass arrives with the auth issue), so the default user
 * is "nopass" as in a stock Redis: any password is accepted for "default", other users do
 * not exist.
 */
export function checkAuth(user: string, _password: string): string | null {
  return user === "default" ? null : "WRONGPASS invalid username-password pair or user is disabled.";
}

export const auth: CommandSpec = {
  name: "auth", arity: -2, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], firstKey: 0, lastKey: 0, step: 0,
  acl: ["fast", "connection"], group: "connection", summary: "Authenticates the connection.", since: "1.0.0", complexity: "O(N) where N is the number of passwords defined for the user",
  args: [{ name: "username", type: "string", optional: true }, { name: "password", type: "string" }],
  handler(c) {
    if (c.argv.argc > 3) {
      c.reply.error("ERR syntax error");
      return;
    }
    if (c.argv.argc === 2) {
      c.reply.error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
      return;
    }
    const error = checkAuth(argText(c, 1), argText(c, 2));
    if (error) c.reply.error(error);
    else c.reply.ok();
  },
};
