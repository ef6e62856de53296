import { Counter, counters } from "../metrics/index.ts";
import { settleReplyFlags, Wire, type Session } from "./session.ts";
import type { Server } from "./server.ts";
import { dispatch } from "./dispatch.ts";
import { onMemcacheData } from "./memcache.ts";

/** Flush pending replies at once (not at the end of the loop turn) past this many bytes. */
const BATCH_FLUSH_BYTES = 1024 * 1024;

/**
 * One data callback (server.clock.ms already read by the engine): parse every complete frame in place, run each command and append every
 * reply to the shared reply buffer. Only a partial frame at the end of the chunk is copied.
 *
 * Replies are not written here: like Redis's beforeSleep, every connection served in this
 * turn of the event loop is written once the turn's callbacks are done, straight from the
 * shared buffer. Measured at pipeline 16 with 50 clients, writing per callback cost 10-35%
 * more system time (the peer's wake-up per send lands in our sendto).
 */
export function onData(server: Server, s: Session, chunk: Uint8Array, from = 0, to = chunk.length): void {
  if (s.closed || s.closeAfterReply) return;
  if (s.wire !== Wire.Resp) return onMemcacheData(server, s, chunk, from, to);
  const length = to - from;
  if (s.blocked !== null || s.paused) {
    // Waiting in a blocking command, or held by CLIENT PAUSE: keep what it pipelines for later.
    bufferWhileBlocked(server, s, chunk, from, to);
    return;
  }
  counters[Counter.bytesReceived] += length;
  // The engine read the clock for this callback (Bun.listen) or batch of completions (io_uring).
  s.lastInteractionMs = server.clock.ms;
  let buf = chunk;
  let start = from;
  let end = to;
  if (s.inLen > 0) {
    if (s.inLen + length > server.options.server.client_query_buffer_limit) {
      queryLimitExceeded(server, s, s.inLen + length);
      return;
    }
    appendInput(s, chunk, from, to);
    buf = s.inBuf!;
    start = 0;
    end = s.inLen;
    // Still inside a big bulk the parser has already measured: don't rescan, just wait.
    if (end < s.needBytes) {
      return;
    }
  }
  const parser = server.parser;
  const reply = server.reply;
  reply.proto = s.proto;
  let mark = reply.pos;
  // Each command's time runs from the previous one's end (dispatch.ts execute).
  server.commandStartTicks = server.ticks.now();
  while (start < end) {
    const n = parser.parse(buf, start, end);
    if (n === 0) break;
    if (n < 0) {
      reply.error(parser.error);
      counters[Counter.protocolErrors]++;
      s.closeAfterReply = true;
      start = end;
      break;
    }
    if (parser.argc > 0) {
      const replyFrom = reply.pos;
      // Held by CLIENT PAUSE: the command stays in the input and runs when the pause ends.
      if (dispatch(s, server.table)) break;
      start += n;
      reply.proto = s.proto;
      // CLIENT REPLY OFF/SKIP; a command that blocked settles them when it is served.
      if (s.replyFlags !== 0 && s.blocked === null) settleReplyFlags(s, reply, replyFrom);
      if (s.closeAfterReply || s.closed) break;
      if (s.blocked !== null) {
        mark = settleReply(server, s, mark);
        if (mark < 0) return;
        break;
      }
    } else {
      start += n;
    }
    mark = settleReply(server, s, mark);
    if (mark < 0) return;
  }
  keepTail(server, s, buf, start, end, parser.needBytes);
  s.needBytes = s.inLen > 0 ? parser.needBytes : 0;
  server.writes.add(s, mark, reply.pos);
}

/**
 * After one request: cut a client past its output buffer limit, and write the turn's
 * replies out early once they pass BATCH_FLUSH_BYTES. Returns where this session's replies
 * now start in the shared buffer, or -1 when the session is gone.
 */
export function settleReply(server: Server, s: Session, mark: number): number {
  if (server.pushes.count > 0 || server.blocking.readyCount > 0) {
    mark = server.afterCommand(s, mark);
    // Serving woken clients and fanning out pushes is not the next command's time.
    server.commandStartTicks = server.ticks.now();
  }
  const reply = server.reply;
  const limit = outputLimit(server, s);
  if (limit > 0 && reply.pos - mark + s.outLen > limit) {
    reply.pos = mark;
    outputLimitExceeded(server, s, limit);
    return -1;
  }
  if (reply.pos < BATCH_FLUSH_BYTES) return mark;
  server.writes.add(s, mark, reply.pos);
  server.writes.flush();
  server.commandStartTicks = server.ticks.now();
  return s.closed ? -1 : 0;
}

export function bufferWhileBlocked(server: Server, s: Session, chunk: Uint8Array, from: number, to: number): void {
  counters[Counter.bytesReceived] += to - from;
  if (s.inLen + to - from > server.options.server.client_query_buffer_limit) {
    queryLimitExceeded(server, s, s.inLen + to - from);
    return;
  }
  if (s.inBuf === null) s.inBuf = new Uint8Array(Math.max(4096, to - from));
  appendInput(s, chunk, from, to);
}

export function queryLimitExceeded(server: Server, s: Session, qbuf: number): void {
  server.log.warn("closing client that reached max query buffer length", { id: s.id, addr: s.addr, qbuf });
  s.inLen = 0;
  s.inBuf = null;
  server.close(s, true);
}

export function appendInput(s: Session, chunk: Uint8Array, from: number, to: number): void {
  const need = s.inLen + to - from;
  if (s.inBuf!.length < need) {
    const grown = new Uint8Array(Math.max(need, s.inBuf!.length * 2));
    grown.set(s.inBuf!.subarray(0, s.inLen));
    s.inBuf = grown;
  }
  s.inBuf!.set(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to), s.inLen);
  s.inLen = need;
}

/** Keep the unparsed tail (a partial frame) for the next callback; enforce the query buffer limit. */
export function keepTail(server: Server, s: Session, buf: Uint8Array, start: number, end: number, needBytes: number): void {
  const rest = end - start;
  if (rest <= 0 || s.closeAfterReply) {
    s.inLen = 0;
    if (s.inBuf !== null && s.inBuf.length > 64 * 1024) s.inBuf = null;
    return;
  }
  if (rest > server.options.server.client_query_buffer_limit) {
    queryLimitExceeded(server, s, rest);
    return;
  }
  if (buf === s.inBuf) {
    if (start > 0) buf.copyWithin(0, start, end);
  } else {
    // A client's claimed bulk length is not trusted for allocation: grow with the data.
    const size = Math.max(4096, Math.min(Math.max(needBytes, rest), rest * 2));
    if (s.inBuf === null || s.inBuf.length < rest) s.inBuf = new Uint8Array(size);
    s.inBuf.set(buf.subarray(start, end));
  }
  s.inLen = rest;
}

/**
 * Replies produced in this turn of the event loop, as (session, start, end) ranges of the
 * shared reply buffer, written by one flush scheduled with setImmediate.
 */
export class PendingWrites {
  private sessions: (Session | undefined)[] = [];
  /** start, end pairs; doubles because a turn's replies may pass 2 GiB. */
  private ranges = new Float64Array(256);
  private count = 0;
  private scheduled = false;
  /** Schedule a flush per event-loop turn; an engine that flushes after each batch turns it off. */
  autoFlush = true;
  private readonly flushSoon = () => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private readonly server: Server) {}

  /** Queue reply bytes [start, end) for s; a closing session with nothing to send still gets its turn. */
  add(s: Session, start: number, end: number): void {
    if (end === start && !s.closeAfterReply) return;
    const last = this.count - 1;
    // Several reads of one socket in one turn (a big pipeline) give adjacent ranges: one write.
    if (last >= 0 && this.sessions[last] === s && this.ranges[last * 2 + 1] === start) {
      this.ranges[last * 2 + 1] = end;
    } else {
      if (this.count * 2 === this.ranges.length) {
        const grown = new Float64Array(this.ranges.length * 2);
        grown.set(this.ranges);
        this.ranges = grown;
      }
      this.sessions[this.count] = s;
      this.ranges[this.count * 2] = start;
      this.ranges[this.count * 2 + 1] = end;
      this.count++;
    }
    if (!this.scheduled && this.autoFlush) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
  }

  /** Write every queued range; whatever a socket does not take is kept on its session. */
  flush(): void {
    const server = this.server;
    const reply = server.reply;
    for (let i = 0; i < this.count; i++) {
      const s = this.sessions[i]!;
      const start = this.ranges[i * 2];
      const end = this.ranges[i * 2 + 1];
      if (s.closed) continue;
      let written = 0;
      if (s.outLen === 0 && end > start) {
        written = s.socket.write(reply.buf, start, end - start);
        if (written < 0) written = 0;
      }
      counters[Counter.bytesSent] += written;
      if (start + written < end) queueOutput(server, s, reply.buf, start + written, end);
    }
    // Closing waits until every range is written: one session may have several.
    for (let i = 0; i < this.count; i++) {
      const s = this.sessions[i]!;
      this.sessions[i] = undefined;
      if (s.closeAfterReply && s.outLen === 0 && !s.closed) server.close(s);
    }
    this.count = 0;
    reply.pos = 0;
    if (reply.buf.length > SHARED_REPLY_KEEP_BYTES) reply.buf = new Uint8Array(SHARED_REPLY_START_BYTES);
  }
}

/** A turn with a huge reply grows the shared buffer; give that memory back afterwards. */
const SHARED_REPLY_KEEP_BYTES = 4 * 1024 * 1024;
const SHARED_REPLY_START_BYTES = 64 * 1024;
/** A drained per-session output buffer bigger than this is dropped rather than kept. */
const SESSION_OUT_KEEP_BYTES = 64 * 1024;

/** The hard output limit of the client's class (normal or pub/sub). */
function outputLimit(server: Server, s: Session): number {
  const o = server.options.server;
  return s.subscribed ? o.client_output_buffer_limit_pubsub : o.client_output_buffer_limit;
}

function outputLimitExceeded(server: Server, s: Session, limit: number): void {
  server.log.warn("closing client that exceeded its output buffer limit", { id: s.id, addr: s.addr, limit });
  counters[Counter.clientsClosedOutputLimit]++;
  s.outLen = 0;
  s.outStart = 0;
  s.outBuf = null;
  s.inLen = 0;
  server.close(s, true);
}

function queueOutput(server: Server, s: Session, src: Uint8Array, from: number, to: number): void {
  const rest = to - from;
  const need = s.outLen + rest;
  const limit = outputLimit(server, s);
  if (limit > 0 && need > limit) {
    outputLimitExceeded(server, s, limit);
    return;
  }
  let out = s.outBuf;
  if (out === null || s.outStart + need > out.length) {
    if (out !== null && need <= out.length) {
      out.copyWithin(0, s.outStart, s.outStart + s.outLen);
    } else {
      const grown = new Uint8Array(Math.max(need, 16 * 1024, (out?.length ?? 0) * 2));
      if (out !== null) grown.set(out.subarray(s.outStart, s.outStart + s.outLen));
      s.outBuf = out = grown;
    }
    s.outStart = 0;
  }
  out.set(src.subarray(from, to), s.outStart + s.outLen);
  s.outLen = need;
  if (need > s.outPeak) s.outPeak = need;
}

/** The socket can take more: send what was kept back, from a moving start (no copy per drain). */
export function onDrain(server: Server, s: Session): void {
  if (s.outLen === 0 || s.closed) return;
  let written = s.socket.write(s.outBuf!, s.outStart, s.outLen);
  if (written < 0) written = 0;
  counters[Counter.bytesSent] += written;
  s.outStart += written;
  s.outLen -= written;
  if (s.outLen === 0) {
    s.outStart = 0;
    if (s.outBuf!.length > SESSION_OUT_KEEP_BYTES) {
      s.outBuf = null;
      s.outPeak = 0;
    }
    if (s.closeAfterReply || server.shuttingDown) server.close(s);
  }
}
