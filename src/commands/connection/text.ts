import { argText } from "../args.ts";
import type { Ctx } from "../types.ts";

export { argText };

export function argUpper(c: Ctx, i: number): string {
  return argText(c, i).toUpperCase();
}

/** Reply a list of help lines the way Redis's addReplyHelp does. */
export function replyHelp(c: Ctx, command: string, lines: string[]): void {
  const all = [`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, "HELP", "    Prints this help."];
  c.reply.arrayHeader(all.length);
  for (const line of all) c.reply.simple(line);
}
