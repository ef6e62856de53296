// CONFIG REWRITE: write the running values of the settings changed at runtime back into
// the TOML file the server was started with, keeping its comments, order and other keys
// (toml-edit.ts), through a temporary file renamed over it so the file is never half
// written.

import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Server } from "./server.ts";
import { changedSettings, type TomlKind, type TomlSetting } from "./params.ts";
import { editToml, type TomlAssignment, tomlScalar } from "./toml-edit.ts";

/**
 * The config source the CLI names when no file was read (src/config's builtInDefaults; the
 * server may not import src/config, which sits above it).
 */
const NO_CONFIG_FILE = "built-in defaults";

const KIB = 1024;

/** Bytes as the config file writes sizes: "64MB" in the largest exact unit, else a number. */
function sizeLiteral(bytes: number): string {
  if (bytes === 0) return "0";
  for (const [unit, mult] of [["TB", KIB ** 4], ["GB", KIB ** 3], ["MB", KIB ** 2], ["KB", KIB]] as const) {
    if (bytes >= mult && bytes % mult === 0) return JSON.stringify(`${bytes / mult}${unit}`);
  }
  return String(bytes);
}

/** A running value as a TOML literal. JSON's string escapes are all valid TOML basic-string escapes. */
export function tomlLiteral(kind: TomlKind, value: number | string | boolean): string {
  if (kind === "size" && typeof value === "number") return sizeLiteral(value);
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

/** Whether the file's literal `raw` for `t` already means `value` (the schema's reading, when the CLI gave one). */
function sameValue(server: Server, t: TomlSetting, raw: string, value: number | string | boolean): boolean {
  const scalar = tomlScalar(raw);
  if (scalar === undefined) return false;
  if (server.validate === null) return scalar === value;
  const checked = server.validate(t.section, t.key, String(scalar));
  return checked.ok && checked.value === value;
}

/** strerror's words for the errors a rewrite meets, as Redis reports them. */
const errnoText: Record<string, string> = {
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  ENOENT: "No such file or directory",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EROFS: "Read-only file system",
  ENOSPC: "No space left on device",
  EDQUOT: "Disk quota exceeded",
  EIO: "Input/output error",
  ELOOP: "Too many levels of symbolic links",
};

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return (e.code !== undefined ? errnoText[e.code] : undefined) ?? e.message ?? String(error);
}

/** Write `text` to `path` through a temporary file in the same directory, fsynced, then renamed over it. */
function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.rewrite-${process.pid}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, "w", mode);
    const bytes = new TextEncoder().encode(text);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (error) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw error;
  }
}

/** CONFIG REWRITE: null when done, else the error reply. */
export function configRewrite(server: Server): string | null {
  const source = server.configSource;
  if (source === "" || source === NO_CONFIG_FILE) return "ERR The server is running without a config file";
  // The file itself when the configured path is a symlink; a file removed since start-up is written anew.
  let path = resolve(process.cwd(), source);
  let text = "";
  let mode = 0o644;
  try {
    path = realpathSync(path);
    text = readFileSync(path, "utf8");
    mode = statSync(path).mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return `ERR Rewriting config file: ${describe(error)}`;
  }
  const changed = changedSettings(server);
  const assignments: TomlAssignment[] = changed.map((t) => {
    const value = t.read(server);
    return { section: t.section, key: t.key, value: tomlLiteral(t.kind, value), same: (raw) => sameValue(server, t, raw, value) };
  });
  let updated: string;
  try {
    updated = editToml(text, assignments);
  } catch (error) {
    return `ERR Rewriting config file: ${describe(error)}`;
  }
  try {
    if (updated !== text) writeAtomically(path, updated, mode);
  } catch (error) {
    server.log.warn("CONFIG REWRITE failed", { path, error: describe(error) });
    return `ERR Rewriting config file: ${describe(error)}`;
  }
  server.log.info("CONFIG REWRITE: configuration file rewritten", {
    path,
    settings: changed.map((t) => `${t.section}.${t.key}`),
    unchanged: updated === text,
  });
  return null;
}
