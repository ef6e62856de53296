// CONFIG REWRITE: write the running values of the settings changed at runtime back into
// the TOML file the server was started with, keeping its comments, order and other keys
// (toml-edit.ts), through a temporary file renamed over it so the file is never half
// written. The CLI injects this into the server, which may not import src/config.

import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { assert, type Logger } from "../stdx/index.ts";
import { builtInDefaults, validateValue } from "./load.ts";
import { tomlValue } from "./print.ts";
import { findKey, type KeyValue } from "./schema.ts";
import { editToml, tomlScalar } from "./toml-edit.ts";

/** A setting's running value: `section` "" for a top-level key. */
export interface RunningValue {
  section: string;
  key: string;
  value: KeyValue;
}

/** Whether the file's literal `raw` already means `value`, as the schema reads it. */
function sameValue(section: string, key: string, raw: string, value: KeyValue): boolean {
  const scalar = tomlScalar(raw);
  if (scalar === undefined) return false;
  try {
    return validateValue(section, key, String(scalar)) === value;
  } catch {
    return false;
  }
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

/** CONFIG REWRITE of the config file `source` (as loadConfig named it) with `settings`: null when done, else the error reply. */
export function rewriteConfigFile(source: string, settings: readonly RunningValue[], log: Logger): string | null {
  if (source === "" || source === builtInDefaults) return "ERR The server is running without a config file";
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
  const assignments = settings.map(({ section, key, value }) => {
    const def = findKey(section, key);
    assert(def !== undefined, `CONFIG REWRITE: ${section}.${key} is not in the schema`);
    return { section, key, value: tomlValue(def, value), same: (raw: string) => sameValue(section, key, raw, value) };
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
    log.warn("CONFIG REWRITE failed", { path, error: describe(error) });
    return `ERR Rewriting config file: ${describe(error)}`;
  }
  log.info("CONFIG REWRITE: configuration file rewritten", {
    path,
    settings: settings.map((t) => `${t.section}.${t.key}`),
    unchanged: updated === text,
  });
  return null;
}
