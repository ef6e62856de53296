/**
 * What a session needs from its connection, whichever engine carries it: Bun's sockets
 * (Bun.listen) or the io_uring engine's connections.
 */
export interface Transport {
  /** Take up to `length` bytes from `data` at `offset`; returns how many were taken (0 when full). */
  write(data: Uint8Array, offset: number, length: number): number;
  /** Close once what was taken has been sent. */
  end(): void;
  /** Close now. */
  terminate(): void;
  /**
   * The transport tells the server when it has really closed (after its last send), rather
   * than the server counting the client gone at end(): the io_uring engine, whose sends are
   * still queued when end() is called.
   */
  readonly reportsClose?: boolean;
  /** The socket's file descriptor, where the engine knows it (CLIENT LIST fd); Bun's sockets do not say. */
  readonly fd?: number;
}

/** A bound listener, as the server keeps it. */
export interface Listening {
  protocol: string;
  address: string;
  /** Stop accepting; connected clients stay. */
  stop(): void;
}
