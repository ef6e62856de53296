// Enforces DESIGN.md's layer table: which module may import which, and only through index.ts.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..", "..");

/** Module → modules it may import (stdx is implied for every module but ffi). */
const ALLOWED: Record<string, string[]> = {
  "src/stdx": [],
  ffi: [],
  "src/metrics": ["src/stdx"],
  "src/protocol/resp": ["src/stdx", "src/metrics"],
  "src/protocol/memcache": ["src/stdx", "src/metrics"],
  "src/store": ["src/stdx", "src/metrics"],
  "src/commands": ["src/store", "src/protocol/resp", "src/protocol/memcache", "src/stdx", "src/metrics"],
  "src/persistence": ["src/commands", "src/store", "src/protocol/resp", "ffi", "src/stdx", "src/metrics"],
  "src/replication": ["src/commands", "src/persistence", "src/protocol/resp", "src/stdx", "src/metrics"],
  "src/server": ["src/stdx", "ffi", "src/metrics", "src/protocol/resp", "src/protocol/memcache", "src/store", "src/commands", "src/persistence", "src/replication"],
  "src/admin": ["src/metrics", "src/stdx"],
  "src/config": ["src/stdx"],
  "src/cli": ["*"],
  "src/benchmark": ["src/protocol/resp", "src/protocol/memcache", "src/stdx", "src/metrics"],
};
const MODULES = Object.keys(ALLOWED).sort((a, b) => b.length - a.length);

function moduleOf(file: string): string | undefined {
  const rel = relative(ROOT, file);
  return MODULES.find((m) => rel === m || rel.startsWith(m + "/"));
}

function sources(dir: string): string[] {
  const out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "ffi"))];
const importRe = /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

describe("layering", () => {
  test("there are modules to check", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const file of files) {
    const from = moduleOf(file);
    if (!from) continue;
    test(relative(ROOT, file), () => {
      const problems: string[] = [];
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(importRe)) {
        const spec = m[1] ?? m[2];
        if (!spec.startsWith(".")) continue;
        const target = resolve(dirname(file), spec);
        const to = moduleOf(target);
        if (!to || to === from) continue;
        const allowed = ALLOWED[from];
        // config may read other modules' option declarations (their options.ts).
        const optionsImport = from === "src/config" && target.endsWith("/options.ts");
        if (!allowed.includes("*") && !allowed.includes(to) && !optionsImport) problems.push(`${from} may not import ${to} (${spec})`);
        const rel = relative(join(ROOT, to), target);
        if (rel !== "index.ts" && !optionsImport) problems.push(`import ${to} through its index.ts, not ${spec}`);
      }
      expect(problems).toEqual([]);
    });
  }
});
