import { Counter, counters, recordCall, recordRejected } from "../metrics/index.ts";
import { CommandBits, type CommandTable } from "../commands/index.ts";
import { text } from "../stdx/index.ts";
import type { Session } from "./session.ts";
import { queueCommand } from "./multi.ts";
import { PauseMode } from "./pause.ts";

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

/**
 * Look the command up on bytes, check arity, run it (or queue it inside MULTI). Errors use
 * Redis 7's texts, which clients and redis-cli match on.
 *
 * Returns true when CLIENT PAUSE holds the command instead (Redis's processCommand calls
 * blockPostponeClient after the checks that answer at once, before running or queuing): the
 * session is then paused (pause.ts) with nothing replied, and the caller leaves the command's
 * bytes in the input, to be parsed and dispatched again when the pause ends.
 */
export function dispatch(s: Session, table: CommandTable): boolean {
  const argv = s.argv;
  const index = table.indexOf(argv.buf, argv.off[0], argv.len[0]);
  if (index === -1) {
    unknownCommand(s);
    return false;
  }
  let spec = table.specs[index];
  let bits = table.bits[index];
  let slot = table.statSlot[index];
  s.lastCommand = index;
  s.lastSubcommand = -1;
  const sub = table.subtable(index);
  if (sub !== undefined && argv.argc >= 2) {
    const subIndex = sub.indexOf(argv.buf, argv.off[1], argv.len[1]);
    if (subIndex === -1) {
      if (spec.handler === undefined) {
        unknownSubcommand(s, spec.name);
        return false;
      }
    } else {
      spec = sub.specs[subIndex];
      bits = sub.bits[subIndex];
      slot = sub.statSlot[subIndex];
      s.lastSubcommand = subIndex;
    }
  } else if (sub !== undefined && spec.handler === undefined) {
    recordRejected(slot);
    wrongArity(s, spec.name);
    return false;
  }
  const arity = spec.arity;
  if ((arity > 0 && argv.argc !== arity) || argv.argc < -arity) {
    recordRejected(slot);
    wrongArity(s, spec.name);
    return false;
  }
  // Outside MULTI, subscriber mode and a pause, only "denyoom" has anything to check: the
  // common command pays one test of the pause mode here and nothing more.
  const pause = s.host.pause;
  if ((bits & CommandBits.denyOom) !== 0 || s.multi !== null || s.subscribed || pause.mode !== 0) {
    if (!admit(s, spec.name, bits)) {
      recordRejected(slot);
      return false;
    }
    if (pause.mode !== 0 && pauseHolds(s, pause.mode, bits, spec.name)) {
      pause.postpone(s);
      return true;
    }
    if (s.multi !== null && (bits & CommandBits.txControl) === 0) {
      // EXEC's own flags under a pause are those of its queue (Redis's mstate.cmd_flags).
      if ((bits & CommandBits.mayReplicate) !== 0) s.multiMayReplicate = true;
      queueCommand(s);
      return false;
    }
  }
  if (spec.handler === undefined) {
    unknownSubcommand(s, spec.name);
    return false;
  }
  execute(s, spec.handler, spec.name, slot);
  return false;
}

/**
 * Whether CLIENT PAUSE holds this command (only asked while a pause is on): ALL holds every
 * command, WRITE those flagged "write" or "may_replicate" and an EXEC whose queue holds one.
 * The commands EXEC runs from its queue are never held (Redis runs them through call(), past
 * processCommand), nor is anything on a replication link (Crucible has none yet).
 */
function pauseHolds(s: Session, mode: number, bits: number, name: string): boolean {
  if (s.inExec) return false;
  if (mode === PauseMode.all || (bits & CommandBits.mayReplicate) !== 0) return true;
  return s.multiMayReplicate && s.multi !== null && name === "exec";
}

/**
 * Errors replied before the running call began. A nested call (a command inside EXEC)
 * moves it past its own errors, so EXEC itself only fails for errors of its own, as in
 * Redis's call().
 */
let errorMark = 0;

/**
 * Run a handler, timed and counted per command (commandstats, latencystats, slowlog). One
 * clock read per command: a command's time runs from the end of the one before it (or from
 * when its input began to be parsed), so it includes parsing the command itself; with
 * Bun.nanoseconds two reads per command cost a tenth of a pipelined GET.
 */
function execute(s: Session, handler: (c: Session) => void, name: string, slot: number): void {
  const reply = s.reply;
  const mark = reply.pos;
  const host = s.host;
  errorMark = reply.errors;
  const started = host.commandStartTicks;
  try {
    handler(s);
  } catch (error) {
    // A bug in one command must not take the server (and every client) down: drop the
    // partial reply, answer an error, keep the connection in sync.
    reply.pos = mark;
    reply.error(`ERR internal error in '${name}': ${(error as Error)?.message ?? String(error)}`);
    onHandlerError(name, error);
  }
  const ticks = host.ticks;
  const now = ticks.now();
  host.commandStartTicks = now;
  const ns = (now - started) * ticks.nsPerTick;
  recordCall(slot, ns, reply.errors > errorMark);
  counters[Counter.commandsProcessed]++;
  errorMark = reply.errors;
  const observer = host.observer;
  if (ns >= observer.thresholdNs || observer.monitoring !== 0) observer.executed(s, slot, ns);
}

/**
 * The checks Redis's processCommand makes before running or queuing a command: subscriber
 * mode (RESP2), no_multi, memory. A refusal inside MULTI makes EXEC fail (EXECABORT).
 */
function admit(s: Session, name: string, bits: number): boolean {
  let error = "";
  if (s.proto === 2 && s.subscribed && (bits & CommandBits.subscriberOk) === 0) {
    error = `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
  } else if (s.multi !== null && (bits & CommandBits.noMulti) !== 0) {
    error = "ERR Command not allowed inside a transaction";
  } else if ((bits & CommandBits.denyOom) !== 0 && s.store.overLimit()) {
    error = OOM;
  } else {
    return true;
  }
  refuse(s, error);
  return false;
}

/** An error reply for a command refused before it ran; inside MULTI the transaction is then doomed. */
function refuse(s: Session, error: string): void {
  if (s.multi !== null) s.multiDirty = true;
  s.reply.error(error);
}

let onHandlerError: (command: string, error: unknown) => void = () => {};

/** Where handler crashes are reported (the server's logger). */
export function setHandlerErrorReporter(report: (command: string, error: unknown) => void): void {
  onHandlerError = report;
}

function wrongArity(s: Session, name: string): void {
  refuse(s, `ERR wrong number of arguments for '${name}' command`);
}

function unknownCommand(s: Session): void {
  const argv = s.argv;
  let args = "";
  // As Redis: the quoted arguments share a 128-character budget.
  for (let i = 1; i < argv.argc && args.length < 128; i++) {
    args += `'${sanitize(text(argv.buf, argv.off[i], Math.min(argv.len[i], 128 - args.length)))}' `;
  }
  const name = sanitize(text(argv.buf, argv.off[0], Math.min(argv.len[0], 128)));
  refuse(s, `ERR unknown command '${name}', with args beginning with: ${args}`);
}

function unknownSubcommand(s: Session, container: string): void {
  const argv = s.argv;
  const sub = sanitize(text(argv.buf, argv.off[1], Math.min(argv.len[1], 128)));
  refuse(s, `ERR unknown subcommand '${sub}'. Try ${container.toUpperCase()} HELP.`);
}

/** Error replies must stay on one line: Redis replaces CR/LF and control bytes with spaces. */
function sanitize(str: string): string {
  return str.replace(/[\r\n\x00-\x1f]/g, " ");
}
