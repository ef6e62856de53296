/**
 * Errors an operator sees. The message is the whole operator-facing text (the CLI prints
 * "Error: " + message and exits 2); it names the file, line, key and value where known,
 * and what to do about it.
 */
export class ConfigError extends Error {
  /** Process exit code the CLI uses for every configuration problem. */
  readonly exitCode = 2;
  /** File the problem is in ("--set", "CRUCIBLE_LOG" for overrides), when known. */
  readonly file?: string;
  /** 1-based line of the offending key in `file`, when known. */
  readonly line?: number;
  /** Dotted key ("cache.heap_size"), when the problem is about one key. */
  readonly key?: string;

  constructor(message: string, where: { file?: string; line?: number; key?: string } = {}) {
    super(message);
    this.name = "ConfigError";
    this.file = where.file;
    this.line = where.line;
    this.key = where.key;
  }
}

/**
 * A failure to start that is the operator's to fix (address in use, log file not
 * writable). The CLI prints the message and exits 2. The server layer cannot import
 * config, so the CLI also treats any error carrying `exitCode === 2` or
 * `code === "EADDRINUSE"` the same way.
 */
export class StartupError extends Error {
  readonly exitCode = 2;
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = "StartupError";
    this.code = code;
  }
}

/** The guide's wording for a port that is taken, with the command that finds the owner. */
export function addressInUseMessage(address: string): string {
  const port = address.slice(address.lastIndexOf(":") + 1);
  return `Address already in use: ${address} (another process is listening there; find it with: ss -ltnp 'sport = :${port}')`;
}
