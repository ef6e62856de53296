// Output for sessions other than the one running a command: pub/sub messages, keyspace
// notifications, replies to clients woken from a blocking command. While a command runs
// the shared reply buffer belongs to its session, so such output is encoded into a side
// writer and moved into the shared buffer, one range per target, once the command is done
// (Server.afterCommand). Output for the running session itself goes straight into its
// reply, so it keeps its place before the command's own reply, as in Redis.

import type { Reply } from "../protocol/resp/index.ts";
import { ReplyWriter } from "../protocol/resp/index.ts";
import type { PendingWrites } from "./connection.ts";
import type { Session } from "./session.ts";

export class Pushes {
  private readonly side = new ReplyWriter(4096);
  private targets: Session[] = [];
  private ends: number[] = [];
  count = 0;

  /**
   * The writer for output to `target`, its protocol set; `current` is the session whose
   * command is running (null from a timer). Call done() after writing.
   */
  writer(target: Session, current: Session | null, shared: Reply): Reply {
    const w = target === current ? shared : this.side;
    w.proto = target.proto;
    return w;
  }

  /** The output to `target` started by writer() is complete. */
  done(target: Session, w: Reply, current: Session | null): void {
    if (w !== this.side) {
      if (current !== null) w.proto = current.proto;
      return;
    }
    this.targets[this.count] = target;
    this.ends[this.count] = this.side.pos;
    this.count++;
  }

  /** Move the pending output to the end of `shared`, queuing each target's range for writing. */
  moveTo(shared: Reply, writes: PendingWrites): void {
    const src = this.side.buf;
    let start = 0;
    for (let i = 0; i < this.count; i++) {
      const t = this.targets[i];
      const end = this.ends[i];
      this.targets[i] = undefined as unknown as Session;
      if (!t.closed && end > start) {
        const at = shared.pos;
        shared.raw(src.subarray(start, end));
        writes.add(t, at, shared.pos);
      }
      start = end;
    }
    this.count = 0;
    this.side.reset();
  }
}
