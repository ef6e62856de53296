// Printing: `--dump-config` (the effective config as TOML that loads back to the same
// config) and `init` / config/example.toml (every key with its default and doc).

import { describeAllowed } from "./load.ts";
import { type Config, type KeyDef, type KeyValue, keysOf, notYetSections, type SectionDef, sections } from "./schema.ts";
import { formatSize } from "./units.ts";

/** A value as a TOML literal: sizes in their largest exact unit ("64MB"), else a bare byte count. */
export function tomlValue(def: KeyDef, value: KeyValue): string {
  if (def.type === "size" && typeof value === "number") return value % 1024 === 0 && value > 0 ? JSON.stringify(formatSize(value)) : String(value);
  // JSON string escapes (\" \\ \n \uXXXX) are all valid TOML basic-string escapes.
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function header(s: SectionDef): string {
  return s.array ? `[[${s.name}]]` : `[${s.name}]`;
}

/** The effective configuration as TOML; loading it gives back an equal Config. */
export function configToToml(config: Config, opts: { source?: string } = {}): string {
  const out: string[] = [];
  out.push("# Crucible effective configuration" + (opts.source ? ` (from ${opts.source})` : ""));
  out.push("# Sizes are written in the largest exact unit; durations in seconds.", "");
  const c = config as unknown as Record<string, unknown>;
  for (const k of keysOf("")) out.push(`${k.name} = ${tomlValue(k, c[k.name] as KeyValue)}`);
  for (const s of sections) {
    if (s.name === "") continue;
    const tables = (s.array ? c[s.name] : [c[s.name]]) as Record<string, KeyValue>[];
    for (const t of tables) {
      out.push("", header(s));
      for (const k of keysOf(s.name)) out.push(`${k.name} = ${tomlValue(k, t[k.name]!)}`);
    }
  }
  return out.join("\n") + "\n";
}

function wrap(text: string, prefix: string, width = 88): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line !== prefix) {
      lines.push(line.trimEnd());
      line = prefix;
    }
    line += (line === prefix ? "" : " ") + word;
  }
  if (line !== prefix) lines.push(line);
  return lines;
}

function keyComment(k: KeyDef): string[] {
  const lines = wrap(k.doc, "# ");
  lines.push(...wrap(`Allowed: ${describeAllowed(k)}.`, "# "));
  if (k.notYet !== undefined) {
    lines.push(...wrap(typeof k.notYet === "string" ? "Not built yet: only the default is accepted." : k.notYetDoc ?? "Some values are not built yet and are refused.", "# "));
  }
  if (k.runtime) lines.push(`# Can be changed at runtime: CONFIG SET ${k.redisName ?? `${k.section}.${k.name}`} <value>`);
  return lines;
}

/** Every key with its default and a doc comment: what `crucible-server init` writes. */
export function configTemplate(): string {
  const out: string[] = [
    "# Crucible configuration.",
    "#",
    "# Every key is shown with its default value. Start the server with this file:",
    "#   crucible-server crucible.toml",
    "# Without an argument, ./crucible.toml is used when present, else built-in defaults.",
    "# Check a file without starting:  crucible-server crucible.toml --test-config",
    "# Show the effective config:      crucible-server crucible.toml --dump-config",
    "# Override one key:               crucible-server --set cache.heap_size=1GB",
    "#",
    "# Sizes: \"64MB\", \"16GB\" (KB/MB/GB/TB are 1024-based; k/m/g are 1000-based) or bytes.",
    "# Durations: \"30s\", \"5m\", \"1h\" or a number of seconds.",
  ];
  for (const s of sections) {
    const keys = keysOf(s.name);
    if (s.name !== "") out.push("", ...wrap(s.doc, "# "), header(s));
    keys.forEach((k, i) => {
      if (i > 0 || s.name === "") out.push("");
      out.push(...keyComment(k));
      out.push(`${k.name} = ${tomlValue(k, k.default)}`);
    });
  }
  out.push("", "# Not supported yet (a file containing these sections is refused at start-up):");
  for (const name of Object.keys(notYetSections)) out.push(`#   [${name}]`);
  return out.join("\n") + "\n";
}
