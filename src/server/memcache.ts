import { binaryWrites, runBinary, runText, textWrites } from "../commands/index.ts";
import { Counter, counters } from "../metrics/index.ts";
import { Data } from "../protocol/memcache/index.ts";
import { appendInput, bufferWhileBlocked, keepTail, queryLimitExceeded, settleReply } from "./connection.ts";
import { PauseMode } from "./pause.ts";
import type { Server } from "./server.ts";
import { type Session, Wire } from "./session.ts";

const BINARY_MAGIC = 0x80;

/**
 * One data callback on a memcache connection: as onData for RESP (frames parsed in place,
 * a partial one kept, replies queued for the turn's one write), with memcache's framing.
 * The first byte tells binary (0x80) from text, as memcached does.
 *
 * CLIENT PAUSE holds memcache clients as dispatch.ts holds RESP ones: under ALL every
 * request, under WRITE those that change the store (textWrites, binaryWrites). The held
 * request stays in the input with what follows it, and runs when the pause ends.
 */
export function onMemcacheData(server: Server, s: Session, chunk: Uint8Array, from: number, to: number): void {
  if (s.paused) {
    bufferWhileBlocked(server, s, chunk, from, to);
    return;
  }
  counters[Counter.bytesReceived] += to - from;
  s.lastInteractionMs = server.clock.ms;
  if (s.swallow > 0) {
    const k = Math.min(s.swallow, to - from);
    s.swallow -= k;
    from += k;
    if (from === to) return;
  }
  let buf = chunk;
  let start = from;
  let end = to;
  if (s.inLen > 0) {
    if (s.inLen + to - from > server.options.server.client_query_buffer_limit) {
      queryLimitExceeded(server, s, s.inLen + to - from);
      return;
    }
    appendInput(s, chunk, from, to);
    buf = s.inBuf!;
    start = 0;
    end = s.inLen;
    if (end < s.needBytes) return;
  }
  if (s.wire === Wire.Memcache) s.wire = buf[start] === BINARY_MAGIC ? Wire.MemcacheBinary : Wire.MemcacheText;
  const binary = s.wire === Wire.MemcacheBinary;
  const parser = binary ? server.mcBinary : server.mcText;
  const pause = server.pause;
  let mark = server.reply.pos;
  while (start < end) {
    const n = parser.parse(buf, start, end);
    if (n === 0) break;
    if (n < 0) {
      // A frame memcached would not resync from (a line too long, a bad magic byte): close.
      server.log.debug("closing memcache client", { id: s.id, addr: s.addr, reason: parser.error });
      counters[Counter.protocolErrors]++;
      s.closeAfterReply = true;
      start = end;
      break;
    }
    if (pause.mode !== 0 && (pause.mode === PauseMode.all || (binary ? binaryWrites(server.mcBinary) : textWrites(server.mcText)))) {
      pause.postpone(s);
      break;
    }
    start += n;
    counters[Counter.commandsProcessed]++;
    if (binary) runBinary(s, server.mcBinary);
    else runText(s, server.mcText);
    if (parser.data === Data.TooLarge) {
      const k = Math.min(parser.swallowBytes, end - start);
      start += k;
      s.swallow = parser.swallowBytes - k;
    }
    if (s.closeAfterReply || s.closed) break;
    mark = settleReply(server, s, mark);
    if (mark < 0) return;
  }
  keepTail(server, s, buf, start, end, parser.needBytes);
  s.needBytes = s.inLen > 0 ? parser.needBytes : 0;
  server.writes.add(s, mark, server.reply.pos);
}
