// `npm run build`: the single-file binaries, with `bun build --compile`.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
mkdirSync(join(root, "dist"), { recursive: true });
const targets = [{ entry: "src/cli/main.ts", out: "dist/crucible-server" }];
for (const t of targets) {
  const proc = Bun.spawnSync([process.execPath, "build", "--compile", "--minify", "--sourcemap", join(root, t.entry), "--outfile", join(root, t.out)], {
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  });
  if (proc.exitCode !== 0) process.exit(proc.exitCode ?? 1);
}
