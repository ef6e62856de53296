// `crucible-benchmark view FILE [FILE2] [--port N]`: a local web page that charts one run, or
// two overlaid for comparison, from the Parquet files `--parquet` wrote.
//
// Everything the page needs is served from here (no network beyond this server): the page, its
// script (app.js), uPlot's browser build and stylesheet (embedded in a compiled binary by the
// `with { type: ... }` imports), and the runs as JSON from /api/runs, read once at start-up.
//
// Routes: GET /  ·  /app.js  ·  /assets/uPlot.iife.min.js  ·  /assets/uPlot.min.css  ·  /api/runs

import { basename, resolve } from "node:path";
import uplotJsPath from "uplot/dist/uPlot.iife.min.js" with { type: "file" };
import uplotCssPath from "uplot/dist/uPlot.min.css" with { type: "file" };
import appJs from "./app.js" with { type: "text" };
import { BenchmarkFileError, readParquet } from "../parquet.ts";
import type { RunSummary, SecondRecord } from "../record.ts";
import { pageHtml } from "./page.ts";

export { BenchmarkFileError } from "../parquet.ts";

export const DEFAULT_VIEW_PORT = 8787;
export const DEFAULT_VIEW_HOST = "127.0.0.1";
/** Runs one page compares. */
export const MAX_VIEW_FILES = 2;

/** Why `view` cannot start (bad arguments, a port in use); BenchmarkFileError for a bad file. */
export class ViewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ViewError";
  }
}

/** One run as the page receives it: the rows column by column (smaller JSON, what uPlot wants). */
export interface ViewRun {
  /** A, B: how the page labels the run. */
  label: string;
  name: string;
  path: string;
  summary: RunSummary;
  columns: { [K in keyof SecondRecord]: SecondRecord[K][] };
}

const FIELDS: (keyof SecondRecord)[] = [
  "second",
  "timestampMs",
  "warmup",
  "requests",
  "throughputRps",
  "errors",
  "hits",
  "misses",
  "bytesSent",
  "bytesReceived",
  "p50Us",
  "p90Us",
  "p99Us",
  "p999Us",
  "maxUs",
  "connectionsOpen",
  "connectFailures",
];

export function toViewRun(label: string, name: string, path: string, rows: SecondRecord[], summary: RunSummary): ViewRun {
  const columns = {} as Record<keyof SecondRecord, unknown[]>;
  for (const f of FIELDS) columns[f] = rows.map((r) => r[f]);
  return { label, name, path, summary, columns: columns as ViewRun["columns"] };
}

/** Loads the files (all of them, before anything listens: a bad one is reported at once). */
export async function loadRuns(files: string[]): Promise<ViewRun[]> {
  if (files.length === 0) throw new ViewError("view: name a Parquet file written by crucible-benchmark --parquet (view FILE [FILE2])");
  if (files.length > MAX_VIEW_FILES) throw new ViewError(`view: at most ${MAX_VIEW_FILES} files (view FILE [FILE2]), got ${files.length}`);
  const labels = ["A", "B"];
  const names = files.map((f) => basename(f));
  // Two files of the same name (results.parquet from two directories): show their paths.
  const ambiguous = new Set(names.filter((n, i) => names.indexOf(n) !== i));
  const runs: ViewRun[] = [];
  for (let i = 0; i < files.length; i++) {
    const { rows, summary } = await readParquet(files[i]);
    const name = ambiguous.has(names[i]) ? files[i] : names[i];
    runs.push(toViewRun(labels[i], name, resolve(files[i]), rows, summary));
  }
  return runs;
}

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65535;
}

/**
 * Serves the page for `files` on `opts.host` (127.0.0.1) and `opts.port` (8787; 0 picks a free
 * one). Rejects with a BenchmarkFileError (missing file, not Parquet, not from crucible-benchmark)
 * or a ViewError (bad arguments, port in use) whose message is meant for the operator as it is.
 */
export async function runView(files: string[], opts: { port?: number; host?: string } = {}): Promise<{ url: string; stop(): void }> {
  const port = opts.port ?? DEFAULT_VIEW_PORT;
  const host = opts.host ?? DEFAULT_VIEW_HOST;
  if (!validPort(port)) throw new ViewError(`view: --port must be an integer from 0 to 65535, got ${port}`);
  const runs = await loadRuns(files);
  const runsJson = JSON.stringify({ runs });
  const html = pageHtml(runs.map((r) => `${r.label}: ${r.name}`).join(" vs "));
  const noStore = { "cache-control": "no-store" };

  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: host,
      port,
      fetch(req) {
        if (req.method !== "GET" && req.method !== "HEAD") return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
        const { pathname } = new URL(req.url);
        switch (pathname) {
          case "/":
          case "/index.html":
            return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", ...noStore } });
          case "/app.js":
            return new Response(appJs, { headers: { "content-type": "text/javascript; charset=utf-8", ...noStore } });
          case "/assets/uPlot.iife.min.js":
            return new Response(Bun.file(uplotJsPath), { headers: { "content-type": "text/javascript; charset=utf-8" } });
          case "/assets/uPlot.min.css":
            return new Response(Bun.file(uplotCssPath), { headers: { "content-type": "text/css; charset=utf-8" } });
          case "/api/runs":
            return new Response(runsJson, { headers: { "content-type": "application/json", ...noStore } });
          case "/favicon.ico":
            return new Response(null, { status: 204 });
          default:
            return new Response("not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
        }
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new ViewError(`view: ${host}:${port} is in use; pass --port N (0 picks a free port)`);
    if (code === "EADDRNOTAVAIL") throw new ViewError(`view: cannot listen on ${host}: no such local address`);
    if (code === "EACCES") throw new ViewError(`view: no permission to listen on ${host}:${port}; pass --port N above 1023`);
    throw new ViewError(`view: cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${server.port}/`,
    stop() {
      server.stop(true);
    },
  };
}

/** True for the errors `runView` reports with a message for the operator (exit 1, no stack). */
export function isViewUserError(error: unknown): error is ViewError | BenchmarkFileError {
  return error instanceof ViewError || error instanceof BenchmarkFileError;
}
