import { describe, expect, test } from "bun:test";
import { CommandTable, type CommandSpec } from "../../../src/commands/index.ts";
import { ReplyWriter, RespParser } from "../../../src/protocol/resp/index.ts";
import { dispatch, setHandlerErrorReporter } from "../../../src/server/dispatch.ts";
import type { Session } from "../../../src/server/session.ts";

const boom: CommandSpec = {
  name: "boom", arity: 1, flags: [], firstKey: 0, lastKey: 0, step: 0, acl: [], group: "server", summary: "", since: "0",
  handler(c) {
    c.reply.arrayHeader(3);
    c.reply.bulkString("half a reply");
    throw new Error("kaboom");
  },
};
const ok: CommandSpec = { ...boom, name: "ok", handler: (c) => c.reply.ok() };

function run(input: string): { reply: string; reported: string[] } {
  const parser = new RespParser({ maxBulkBytes: 1 << 20 });
  const reply = new ReplyWriter();
  const bytes = new TextEncoder().encode(input);
  const reported: string[] = [];
  setHandlerErrorReporter((command) => reported.push(command));
  // The host: what dispatch() reads (the pause mode, off) and execute() after the handler (the command clock and the observer).
  const host = {
    ticks: { now: Bun.nanoseconds, nsPerTick: 1 }, commandStartTicks: Bun.nanoseconds(), observer: { thresholdNs: Infinity, monitoring: 0 },
    pause: { mode: 0 },
  };
  const session = { argv: parser, reply, lastCommand: -1, lastSubcommand: -1, multi: null, subscribed: false, host } as unknown as Session;
  const table = new CommandTable([boom, ok]);
  let pos = 0;
  while (pos < bytes.length) {
    const n = parser.parse(bytes, pos, bytes.length);
    expect(n).toBeGreaterThan(0);
    pos += n;
    dispatch(session, table);
  }
  return { reply: new TextDecoder().decode(reply.buf.subarray(0, reply.pos)), reported };
}

describe("dispatch", () => {
  test("a handler that throws leaves one error reply, not half a reply, and the next command runs", () => {
    const { reply, reported } = run("BOOM\r\nOK\r\n");
    expect(reply).toBe("-ERR internal error in 'boom': kaboom\r\n+OK\r\n");
    expect(reported).toEqual(["boom"]);
  });

  test("unknown commands and wrong arity use Redis's texts", () => {
    expect(run("NOPE a\r\n").reply).toBe("-ERR unknown command 'NOPE', with args beginning with: 'a' \r\n");
    expect(run("OK extra\r\n").reply).toBe("-ERR wrong number of arguments for 'ok' command\r\n");
  });
});
