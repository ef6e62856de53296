/**
 * The redis-benchmark case matrix e2e.ts and engines.ts share (SET/GET, -c 50, pipeline 1
 * and 16, 100k keys), their per-case results, and the report's log/problem lines.
 */
import type { BenchCase, BenchResult } from "./redis-benchmark.ts";

export const CLIENTS = 50;
export const KEYSPACE = 100_000;
export const PIPELINES = [1, 16];

/** -n per pipeline depth: a few seconds per run and >= ~200 CPU ticks of server time; --quick only checks that everything works. */
export function requestsPerRun(quick: boolean): Record<number, number> {
  return quick ? { 1: 20_000, 16: 200_000 } : { 1: 200_000, 16: 2_000_000 };
}

/** SET before GET for each value size, so GETs hit values of that size. */
export function caseMatrix(quick: boolean, dataSizes: readonly number[]): BenchCase[] {
  const requests = requestsPerRun(quick);
  const cases: BenchCase[] = [];
  for (const dataSize of dataSizes) {
    for (const pipeline of PIPELINES) {
      for (const test of ["set", "get"] as const) {
        cases.push({ test, clients: CLIENTS, pipeline, keyspace: KEYSPACE, dataSize, requests: requests[pipeline]! });
      }
    }
  }
  return cases;
}

export interface CaseResults<Who extends string> {
  case: BenchCase;
  id: string;
  runs: Record<Who, BenchResult[]>;
  /** Invocations that failed (error reply, timeout); reported as problems. */
  failed: Record<Who, number>;
}

/** Report lines: problems are collected for the summary and printed as they happen. */
export const problems: string[] = [];
export const notes: string[] = [];

export function log(s = ""): void {
  process.stdout.write(`${s}\n`);
}

export function problem(s: string): void {
  problems.push(s);
  log(`!! ${s}`);
}
