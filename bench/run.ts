/**
 * Runs every mitata bench file in bench/ (`**\/*.bench.ts`, each as its own `bun` process)
 * and then the end-to-end benchmark `bench/e2e.ts`.
 *
 *   bun bench/run.ts [--quick] [--no-e2e] [--only-e2e] [--engines] [--memcache] [e2e options...]
 *
 * `--quick` goes to every file (and CRUCIBLE_BENCH_QUICK=1 into the environment); any
 * other argument is passed to bench/e2e.ts (e.g. `--json out.json`, `--rounds 5`).
 * `--engines` also runs the network engine comparison `bench/engines.ts` (about 6 minutes;
 * off by default), passing it `--quick`, `--pin` and `--rounds N` when given; `--memcache`
 * likewise runs the memcached comparison `bench/memcache.ts`.
 */
import { join, relative } from "node:path";

const BENCH_DIR = import.meta.dir;
const ROOT = join(BENCH_DIR, "..");
const argv = Bun.argv.slice(2);
const quick = argv.includes("--quick");
const noE2e = argv.includes("--no-e2e");
const onlyE2e = argv.includes("--only-e2e");
const engines = argv.includes("--engines");
const memcache = argv.includes("--memcache");
const e2eArgs = argv.filter((a) => a !== "--no-e2e" && a !== "--only-e2e" && a !== "--engines" && a !== "--memcache");
const roundsAt = argv.indexOf("--rounds");
const enginesArgs = [
  ...(quick ? ["--quick"] : []),
  ...(argv.includes("--pin") ? ["--pin"] : []),
  ...(roundsAt >= 0 && argv[roundsAt + 1] !== undefined ? ["--rounds", argv[roundsAt + 1]!] : []),
];

const files = onlyE2e
  ? []
  : [...new Bun.Glob("**/*.bench.ts").scanSync({ cwd: BENCH_DIR, absolute: true })].filter((f) => !f.includes("/node_modules/")).sort();

const jobs: { name: string; cmd: string[] }[] = files.map((f) => ({
  name: relative(ROOT, f),
  cmd: [process.execPath, f, ...(quick ? ["--quick"] : [])],
}));
if (!noE2e) jobs.push({ name: "bench/e2e.ts", cmd: [process.execPath, join(BENCH_DIR, "e2e.ts"), ...e2eArgs] });
if (engines) jobs.push({ name: "bench/engines.ts", cmd: [process.execPath, join(BENCH_DIR, "engines.ts"), ...enginesArgs] });
if (memcache) jobs.push({ name: "bench/memcache.ts", cmd: [process.execPath, join(BENCH_DIR, "memcache.ts"), ...enginesArgs] });

let current: ReturnType<typeof Bun.spawn> | undefined;
let interrupted = 0;
for (const [sig, num] of [
  ["SIGINT", 2],
  ["SIGTERM", 15],
  ["SIGHUP", 1],
] as const) {
  process.on(sig, () => {
    // Forward a terminating signal: the child (e2e.ts) kills its own servers on it.
    if (current && current.exitCode === null) {
      try {
        current.kill(sig === "SIGINT" ? "SIGINT" : "SIGTERM");
      } catch {
        // gone
      }
    }
    interrupted = 128 + num;
    setTimeout(() => process.exit(128 + num), 15000).unref();
  });
}

const results: { name: string; code: number | null; seconds: number }[] = [];
for (const job of jobs) {
  if (interrupted) break;
  console.log(`\n######## ${job.name}${quick ? " (--quick)" : ""}\n`);
  const t0 = performance.now();
  current = Bun.spawn(job.cmd, {
    cwd: ROOT,
    stdio: ["inherit", "inherit", "inherit"],
    env: { ...process.env, ...(quick ? { CRUCIBLE_BENCH_QUICK: "1" } : {}) },
  });
  const code = await current.exited;
  results.push({ name: job.name, code, seconds: (performance.now() - t0) / 1000 });
  if (current.signalCode !== null) interrupted ||= 130;
  current = undefined;
}

console.log("\n######## bench summary");
if (jobs.length === 0) console.log("nothing to run");
for (const r of results) console.log(`${r.code === 0 ? "ok  " : "FAIL"}  ${r.name.padEnd(40)} ${r.seconds.toFixed(1).padStart(7)} s${r.code === 0 ? "" : `  (exit ${r.code})`}`);
const failed = results.filter((r) => r.code !== 0).length;
if (results.length < jobs.length) console.log(`${jobs.length - results.length} not run (interrupted)`);
process.exitCode = interrupted || (failed > 0 || results.length < jobs.length ? 1 : 0);
