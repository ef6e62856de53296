// Argument handling that citty does not do: repeatable --set, refusing unknown options,
// and one positional CONFIG beside subcommands.

export class UsageError extends Error {
  readonly exitCode = 2;
  /** Point at --help after the message (a malformed command line, not a refused action). */
  readonly showHelp: boolean;
  constructor(message: string, showHelp = true) {
    super(message);
    this.name = "UsageError";
    this.showHelp = showHelp;
  }
}

export interface OptionSpec {
  /** Long names without dashes, and single-letter aliases. */
  names: string[];
  takesValue: boolean;
}

/**
 * Pull every `--set K=V` / `--set=K=V` out of `argv` (citty keeps only the last of a
 * repeated option) and check that every other option is known. Returns the remaining
 * arguments for citty and the overrides in order.
 */
export function preprocess(argv: string[], options: OptionSpec[]): { rest: string[]; sets: string[] } {
  const rest: string[] = [];
  const sets: string[] = [];
  const byName = new Map<string, OptionSpec>();
  for (const o of options) for (const n of o.names) byName.set(n, o);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--set" || arg.startsWith("--set=")) {
      const value = arg === "--set" ? argv[++i] : arg.slice("--set=".length);
      if (value === undefined || value === "") throw new UsageError("--set needs a value: --set section.key=value (e.g. --set cache.heap_size=1GB)");
      sets.push(value);
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") {
      const name = arg.replace(/^--?/, "").split("=")[0]!;
      const spec = byName.get(name);
      if (!spec) throw new UsageError(`Unknown option ${arg.split("=")[0]}`);
      rest.push(arg);
      if (spec.takesValue && !arg.includes("=")) {
        const value = argv[i + 1];
        if (value === undefined) throw new UsageError(`${arg} needs a value`);
        rest.push(value);
        i++;
      }
      continue;
    }
    rest.push(arg);
  }
  return { rest, sets };
}
