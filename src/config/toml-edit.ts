// The TOML line scanner (headers and `key = value` lines, with where each value lies), used
// to find a key's line for load.ts's errors, and line-based editing of a TOML file for
// CONFIG REWRITE (rewrite.ts): change the values of some `key = value` lines and add
// missing keys, keeping every comment, blank line, ordering and unrelated key as it was.
// smol-toml parses but cannot write back a document with its comments, so the file is
// edited as text: values are replaced in place (the text around them, the trailing comment
// included, is kept), and a key the file lacks goes after the last key of its table (or in
// a new table at the end).
//
// Only what CONFIG REWRITE writes is edited: single keys of ordinary tables (`[server]`
// then `maxclients = 10`) or dotted keys at the top level (`server.maxclients = 10`).
// Array tables ([[listener]]), sub-tables and multi-line values are skipped over intact.

/** A setting to write: `value` is a TOML literal (`10`, `"64MB"`, `true`). */
export interface TomlAssignment {
  /** "" for a top-level key. */
  section: string;
  key: string;
  value: string;
  /** Whether the file's current value (its literal text) already means the same: the line is then left alone. */
  same?(rawValue: string): boolean;
}

/**
 * A table header, or a `key = value` on lines `line` to `last` (more than one for a multi-line
 * string or array) under header `table` (null before any), its value from `valueStart` in the
 * first line to `valueEnd` in the last.
 */
export type TomlLine =
  | { kind: "header"; line: number; name: string; array: boolean }
  | { kind: "key"; line: number; last: number; table: string | null; array: boolean; path: string[]; valueStart: number; valueEnd: number; raw: string };

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const KEY_SEGMENT = /\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*/y;

/** The key path of `text` up to '=' (segments and where the '=' is), or null when it is not a key line. */
function parseKey(text: string): { path: string[]; eq: number } | null {
  const path: string[] = [];
  let pos = 0;
  for (;;) {
    KEY_SEGMENT.lastIndex = pos;
    const m = KEY_SEGMENT.exec(text);
    if (m === null) return null;
    path.push(m[1] ?? unescapeBasic(m[2]) ?? m[3] ?? "");
    pos = KEY_SEGMENT.lastIndex;
    if (text[pos] === ".") {
      pos++;
      continue;
    }
    if (text[pos] === "=") return { path, eq: pos };
    return null;
  }
}

/** A table header's name ("server", "a.b"), whether it is an array table, or null when the line is no header. */
function parseHeader(trimmed: string): { name: string; array: boolean } | null {
  const m = /^\[(\[?)(.*?)(\]?)\]\s*(#.*)?$/.exec(trimmed);
  if (m === null) return null;
  const array = m[1] === "[" && m[3] === "]";
  const parsed = parseKey(m[2] + "=");
  if (parsed === null) return null;
  return { name: parsed.path.join("."), array };
}

function unescapeBasic(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

/** Where a string starting at `from` (at its quote) ends: the index after the closing quote, or -1. */
function stringEnd(text: string, from: number): number {
  const q = text[from];
  for (let i = from + 1; i < text.length; i++) {
    if (q === '"' && text[i] === "\\") {
      i++;
      continue;
    }
    if (text[i] === q) return i + 1;
  }
  return -1;
}

/**
 * Scan an array or inline table's text from `from` at bracket depth `depth`: the index after
 * the bracket that closes it, or -1 with the depth at the end of the line.
 */
function bracketsEnd(text: string, from: number, depth: number): { end: number; depth: number } {
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === "#") break;
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      const end = triple ? text.indexOf(ch.repeat(3), i + 3) : stringEnd(text, i);
      if (end < 0) break;
      i = (triple ? end + 3 : end) - 1;
      continue;
    }
    if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return { end: i + 1, depth };
    }
  }
  return { end: -1, depth };
}

/**
 * The headers and key lines of a TOML file's lines, in order; comments, blank lines and the
 * inside of multi-line values are passed over. Used to locate keys for error messages
 * (load.ts) and to edit values in place (editToml).
 */
export function scanToml(lines: readonly string[]): TomlLine[] {
  const out: TomlLine[] = [];
  let table: string | null = null;
  let array = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (trimmed.startsWith("[")) {
      const h = parseHeader(trimmed);
      if (h !== null) {
        table = h.name;
        array = h.array;
        out.push({ kind: "header", line: i, ...h });
        continue;
      }
    }
    const key = parseKey(line);
    if (key === null) continue;
    let vs = key.eq + 1;
    while (line[vs] === " " || line[vs] === "\t") vs++;
    // The value's extent, following it onto later lines when it spans them.
    let last = i;
    let ve: number;
    const ch = line[vs];
    if ((ch === '"' || ch === "'") && line.startsWith(ch.repeat(3), vs)) {
      const delim = ch.repeat(3);
      let at = line.indexOf(delim, vs + 3);
      while (at < 0 && last + 1 < lines.length) at = lines[++last].indexOf(delim);
      ve = at < 0 ? lines[last].length : at + 3;
      // A closing delimiter may be followed by up to two more quotes that belong to the string.
      while (at >= 0 && lines[last][ve] === ch) ve++;
    } else if (ch === '"' || ch === "'") {
      const end = stringEnd(line, vs);
      ve = end < 0 ? line.length : end;
    } else if (ch === "[" || ch === "{") {
      let r = bracketsEnd(line, vs, 0);
      while (r.end < 0 && last + 1 < lines.length) r = bracketsEnd(lines[++last], 0, r.depth);
      ve = r.end < 0 ? lines[last].length : r.end;
    } else {
      const hash = line.indexOf("#", vs);
      ve = hash < 0 ? line.length : hash;
      while (ve > vs && (line[ve - 1] === " " || line[ve - 1] === "\t")) ve--;
    }
    const raw = last === i ? line.slice(vs, ve) : [line.slice(vs), ...lines.slice(i + 1, last), lines[last].slice(0, ve)].join("\n");
    out.push({ kind: "key", line: i, last, table, array, path: key.path, valueStart: vs, valueEnd: ve, raw });
    i = last;
  }
  return out;
}

function formatKey(key: string): string {
  return BARE_KEY.test(key) ? key : JSON.stringify(key);
}

/**
 * The file's text with every assignment written: an existing key's value replaced in place
 * (unless `same` says it already holds that value), a missing key added to its table.
 * Throws when the file keeps a section in a form this cannot add to (an inline table).
 */
export function editToml(text: string, assignments: readonly TomlAssignment[]): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const finalNewline = text.endsWith("\n");
  const body = finalNewline ? text.slice(0, text.length - (text.endsWith("\r\n") ? 2 : 1)) : text;
  const lines = text === "" ? [] : body.split(eol);
  // The single keys of ordinary tables and the top level (section ""); each ordinary table's
  // header line and the last line of its last key (its header when it has none); the last
  // line of the last dotted top-level key of each section (`server.x = 1`) and of the last
  // top-level key; the first header line; the array tables ([[listener]]).
  const entries: (TomlLine & { kind: "key"; section: string; key: string })[] = [];
  const tables = new Map<string, number>();
  const tableEnd = new Map<string, number>();
  const dottedEnd = new Map<string, number>();
  let topEnd = -1;
  let firstHeader = -1;
  const arrays = new Set<string>();
  for (const t of scanToml(lines)) {
    if (t.kind === "header") {
      if (firstHeader < 0) firstHeader = t.line;
      if (t.array) arrays.add(t.name);
      else if (!tables.has(t.name)) {
        tables.set(t.name, t.line);
        tableEnd.set(t.name, t.line);
      }
      continue;
    }
    const path = t.table === null ? t.path : t.array ? null : [...t.table.split("."), ...t.path];
    if (path !== null && (path.length === 1 || path.length === 2)) {
      entries.push({ ...t, section: path.length === 1 ? "" : path[0], key: path[path.length - 1] });
    }
    if (t.table === null) {
      topEnd = t.last;
      if (t.path.length === 2) dottedEnd.set(t.path[0], t.last);
    } else if (!t.array && tableEnd.has(t.table) && !t.table.includes(".") && t.path.length === 1) {
      tableEnd.set(t.table, t.last);
    }
  }
  // Output per original line (replaced, or emptied when a multi-line value is collapsed),
  // lines added before or after it, and new tables for the end of the file.
  const out: string[][] = lines.map((l) => [l]);
  const before = new Map<number, string[]>();
  const after = new Map<number, string[]>();
  const newTables = new Map<string, string[]>();
  const add = (m: Map<number, string[]>, at: number, line: string) => {
    const list = m.get(at);
    if (list === undefined) m.set(at, [line]);
    else list.push(line);
  };
  const indentOf = (line: number) => /^[ \t]*/.exec(lines[line])![0];

  for (const a of assignments) {
    const entry = entries.find((e) => e.section === a.section && e.key === a.key);
    if (entry !== undefined) {
      if (entry.raw === a.value || a.same?.(entry.raw) === true) continue;
      const head = lines[entry.line].slice(0, entry.valueStart);
      const tail = lines[entry.last].slice(entry.valueEnd);
      out[entry.line] = [head + a.value + tail];
      for (let j = entry.line + 1; j <= entry.last; j++) out[j] = [];
      continue;
    }
    if (arrays.has(a.section)) throw new Error(`[[${a.section}]] is an array of tables; CONFIG REWRITE does not add keys to it`);
    const keyLine = `${formatKey(a.key)} = ${a.value}`;
    if (a.section === "") {
      if (topEnd >= 0) add(after, topEnd, keyLine);
      else if (firstHeader >= 0) add(before, firstHeader, keyLine);
      else add(after, lines.length - 1, keyLine);
      continue;
    }
    const end = tableEnd.get(a.section);
    if (end !== undefined) {
      add(after, end, (end === tables.get(a.section) ? "" : indentOf(end)) + keyLine);
      continue;
    }
    const dotted = dottedEnd.get(a.section);
    if (dotted !== undefined) {
      add(after, dotted, `${indentOf(dotted)}${formatKey(a.section)}.${keyLine}`);
      continue;
    }
    if (entries.some((e) => e.section === "" && e.key === a.section)) {
      throw new Error(`[${a.section}] is written as an inline table (${a.section} = { ... }); write it as a [${a.section}] table to let CONFIG REWRITE add ${a.key}`);
    }
    const list = newTables.get(a.section);
    if (list === undefined) newTables.set(a.section, [keyLine]);
    else list.push(keyLine);
  }

  const result: string[] = [];
  // Keys for a file with no lines at all ("after line -1").
  result.push(...(after.get(-1) ?? []));
  for (let i = 0; i < lines.length; i++) {
    result.push(...(before.get(i) ?? []), ...out[i], ...(after.get(i) ?? []));
  }
  for (const [section, keyLines] of newTables) {
    if (result.length > 0 && result[result.length - 1].trim() !== "") result.push("");
    result.push(`[${formatKey(section)}]`, ...keyLines);
  }
  if (result.length === 0) return "";
  const grew = result.length > lines.length;
  return result.join(eol) + (finalNewline || grew || lines.length === 0 ? eol : "");
}

/** A TOML scalar's value from its literal text: strings unquoted, integers, booleans; undefined for anything else. */
export function tomlScalar(raw: string): string | number | boolean | undefined {
  const t = raw.trim();
  if (t === "true") return true;
  if (t === "false") return false;
  if (/^[+-]?\d[\d_]*$/.test(t)) return Number(t.replaceAll("_", ""));
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2 && !t.startsWith("'''")) return t.slice(1, -1);
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2 && !t.startsWith('"""')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
