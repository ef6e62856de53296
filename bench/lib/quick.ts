/**
 * For mitata bench files: whether this is a short smoke run (`bun bench/run.ts --quick`
 * passes `--quick` and sets CRUCIBLE_BENCH_QUICK=1). Use it to shrink inputs, e.g.
 * `const N = QUICK ? 1_000 : 100_000`.
 */
export const QUICK: boolean = process.argv.includes("--quick") || process.env.CRUCIBLE_BENCH_QUICK === "1";
