import type { CommandSpec } from "../types.ts";
import { auth } from "./auth.ts";
import { client } from "./client.ts";
import { hello } from "./hello.ts";
import { echo, ping } from "./ping.ts";
import { quit, reset, select } from "./select.ts";

export const connectionCommands: CommandSpec[] = [ping, echo, hello, auth, select, quit, reset, client];
export { REDIS_VERSION } from "./version.ts";
export { argText, argUpper, replyHelp } from "./text.ts";
