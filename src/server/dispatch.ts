import { Counter, counters } from "../metrics/index.ts";
import type { CommandTable } from "../commands/index.ts";
import { text } from "../stdx/index.ts";
import type { Session } from "./session.ts";

/**
 * Look the command up on bytes, check arity, run it. Errors use Redis 7's texts, which
 * clients and redis-cli match on.
 */
export function dispatch(s: Session, table: CommandTable): void {
  const argv = s.argv;
  const index = table.indexOf(argv.buf, argv.off[0], argv.len[0]);
  counters[Counter.commandsProcessed]++;
  if (index === -1) {
    unknownCommand(s);
    return;
  }
  let spec = table.specs[index];
  s.lastCommand = index;
  s.lastSubcommand = -1;
  const sub = table.subtable(index);
  if (sub !== undefined && argv.argc >= 2) {
    const subIndex = sub.indexOf(argv.buf, argv.off[1], argv.len[1]);
    if (subIndex === -1) {
      if (spec.handler === undefined) {
        unknownSubcommand(s, spec.name);
        return;
      }
    } else {
      spec = sub.specs[subIndex];
      s.lastSubcommand = subIndex;
      sub.calls[subIndex]++;
    }
  } else if (sub !== undefined && spec.handler === undefined) {
    wrongArity(s, spec.name);
    return;
  }
  const arity = spec.arity;
  if ((arity > 0 && argv.argc !== arity) || argv.argc < -arity) {
    wrongArity(s, spec.name);
    return;
  }
  table.calls[index]++;
  if (spec.handler === undefined) {
    unknownSubcommand(s, spec.name);
    return;
  }
  const mark = s.reply.pos;
  try {
    spec.handler(s);
  } catch (error) {
    // A bug in one command must not take the server (and every client) down: drop the
    // partial reply, answer an error, keep the connection in sync.
    s.reply.pos = mark;
    s.reply.error(`ERR internal error in '${spec.name}': ${(error as Error)?.message ?? String(error)}`);
    counters[Counter.errorReplies]++;
    onHandlerError(spec.name, error);
  }
}

let onHandlerError: (command: string, error: unknown) => void = () => {};

/** Where handler crashes are reported (the server's logger). */
export function setHandlerErrorReporter(report: (command: string, error: unknown) => void): void {
  onHandlerError = report;
}

function wrongArity(s: Session, name: string): void {
  s.reply.error(`ERR wrong number of arguments for '${name}' command`);
  counters[Counter.errorReplies]++;
}

function unknownCommand(s: Session): void {
  const argv = s.argv;
  let args = "";
  // As Redis: the quoted arguments share a 128-character budget.
  for (let i = 1; i < argv.argc && args.length < 128; i++) {
    args += `'${sanitize(text(argv.buf, argv.off[i], Math.min(argv.len[i], 128 - args.length)))}' `;
  }
  const name = sanitize(text(argv.buf, argv.off[0], Math.min(argv.len[0], 128)));
  s.reply.error(`ERR unknown command '${name}', with args beginning with: ${args}`);
  counters[Counter.errorReplies]++;
}

function unknownSubcommand(s: Session, container: string): void {
  const argv = s.argv;
  const sub = sanitize(text(argv.buf, argv.off[1], Math.min(argv.len[1], 128)));
  s.reply.error(`ERR unknown subcommand '${sub}'. Try ${container.toUpperCase()} HELP.`);
  counters[Counter.errorReplies]++;
}

/** Error replies must stay on one line: Redis replaces CR/LF and control bytes with spaces. */
function sanitize(str: string): string {
  return str.replace(/[\r\n\x00-\x1f]/g, " ");
}
