// `npm run build`: the single-file binaries, with `bun build --compile`.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
mkdirSync(join(root, "dist"), { recursive: true });
// Extra entry points are compiled in too: the io_uring engine's Worker is started from
// `new URL("./server-worker.ts", import.meta.url)`, which the binary resolves among them, and
// crucible-benchmark's load threads from `new URL("./worker.ts", import.meta.url)`.
const targets = [
  { entries: ["src/cli/main.ts", "src/cli/server-worker.ts"], out: "dist/crucible-server" },
  { entries: ["src/benchmark/main.ts", "src/benchmark/worker.ts"], out: "dist/crucible-benchmark" },
];
for (const t of targets) {
  const entries = t.entries.map((e) => join(root, e));
  const proc = Bun.spawnSync([process.execPath, "build", "--compile", "--minify", "--sourcemap", ...entries, "--outfile", join(root, t.out)], {
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  });
  if (proc.exitCode !== 0) process.exit(proc.exitCode ?? 1);
}
