// `crucible-benchmark --parquet FILE`: one Parquet row per second of the run, and the run's
// summary and configuration as the file's key-value metadata; `readParquet` reads it back for
// `crucible-benchmark view`.
//
// Layout (written with hyparquet-writer, read with hyparquet; pandas, pyarrow and DuckDB read
// it as it is):
//   columns, all REQUIRED, snake_case, in SecondRecord's order:
//     second INT32 · timestamp INT64 TIMESTAMP(MILLIS, UTC) · warmup BOOLEAN ·
//     requests INT64 · throughput_rps DOUBLE · errors, hits, misses, bytes_sent,
//     bytes_received INT64 · p50_us, p90_us, p99_us, p999_us, max_us DOUBLE ·
//     connections_open INT32 · connect_failures INT64
//   key-value metadata:
//     crucible.format   "crucible-benchmark/1": what `view` looks for to accept a file
//     crucible.summary  RunSummary as JSON, without `config`
//     crucible.config   the effective configuration, TOML text
//
// Integers go through INT64 (and come back as numbers) as long as they are safe integers, which
// every count of a run is; writing anything else is refused rather than rounded.

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parquetMetadata, parquetReadObjects, type FileMetaData, type SchemaElement } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { RunSummary, SecondRecord } from "./record.ts";

export const PARQUET_FORMAT = "crucible-benchmark/1";
export const META_FORMAT = "crucible.format";
export const META_SUMMARY = "crucible.summary";
export const META_CONFIG = "crucible.config";

type Kind = "int32" | "int64" | "double" | "boolean" | "timestamp";

/** One column per SecondRecord field, in the record's order. */
export const PARQUET_COLUMNS = [
  { field: "second", name: "second", kind: "int32" },
  { field: "timestampMs", name: "timestamp", kind: "timestamp" },
  { field: "warmup", name: "warmup", kind: "boolean" },
  { field: "requests", name: "requests", kind: "int64" },
  { field: "throughputRps", name: "throughput_rps", kind: "double" },
  { field: "errors", name: "errors", kind: "int64" },
  { field: "hits", name: "hits", kind: "int64" },
  { field: "misses", name: "misses", kind: "int64" },
  { field: "bytesSent", name: "bytes_sent", kind: "int64" },
  { field: "bytesReceived", name: "bytes_received", kind: "int64" },
  { field: "p50Us", name: "p50_us", kind: "double" },
  { field: "p90Us", name: "p90_us", kind: "double" },
  { field: "p99Us", name: "p99_us", kind: "double" },
  { field: "p999Us", name: "p999_us", kind: "double" },
  { field: "maxUs", name: "max_us", kind: "double" },
  { field: "connectionsOpen", name: "connections_open", kind: "int32" },
  { field: "connectFailures", name: "connect_failures", kind: "int64" },
] as const satisfies readonly { field: keyof SecondRecord; name: string; kind: Kind }[];

// Every SecondRecord field has a column: a field added to the record without one fails to compile.
type Unmapped = Exclude<keyof SecondRecord, (typeof PARQUET_COLUMNS)[number]["field"]>;
const allFieldsMapped: [Unmapped] extends [never] ? true : Unmapped = true;
void allFieldsMapped;

/** A file `readParquet` cannot use: missing, unreadable, not Parquet, or not from crucible-benchmark. */
export class BenchmarkFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "BenchmarkFileError";
  }
}

function schemaElement(name: string, kind: Kind): SchemaElement {
  switch (kind) {
    case "int32":
      return { name, type: "INT32", repetition_type: "REQUIRED" };
    case "int64":
      return { name, type: "INT64", repetition_type: "REQUIRED" };
    case "double":
      return { name, type: "DOUBLE", repetition_type: "REQUIRED" };
    case "boolean":
      return { name, type: "BOOLEAN", repetition_type: "REQUIRED" };
    case "timestamp":
      // Both annotations: the logical type for current readers, the converted type for old ones.
      return {
        name,
        type: "INT64",
        repetition_type: "REQUIRED",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
  }
}

function columnValues(rows: SecondRecord[], field: keyof SecondRecord, name: string, kind: Kind): Int32Array | BigInt64Array | Float64Array | boolean[] {
  const bad = (i: number, why: string) => new Error(`writeParquet: row ${i} (second ${rows[i].second}): ${field} = ${String(rows[i][field])} ${why} (column ${name})`);
  switch (kind) {
    case "int32": {
      const out = new Int32Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i][field];
        if (typeof v !== "number" || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw bad(i, "is not a 32-bit integer");
        out[i] = v;
      }
      return out;
    }
    case "int64":
    case "timestamp": {
      const out = new BigInt64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i][field];
        if (typeof v !== "number" || !Number.isSafeInteger(v)) throw bad(i, "is not a safe integer");
        out[i] = BigInt(v);
      }
      return out;
    }
    case "double": {
      const out = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i][field];
        if (typeof v !== "number") throw bad(i, "is not a number");
        out[i] = v;
      }
      return out;
    }
    case "boolean": {
      const out: boolean[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i][field];
        if (typeof v !== "boolean") throw bad(i, "is not a boolean");
        out[i] = v;
      }
      return out;
    }
  }
}

function checkSummary(summary: RunSummary): void {
  if (typeof summary.config !== "string") throw new Error("writeParquet: summary config is not a string");
  if (summary.hit_rate !== null && typeof summary.hit_rate !== "number") throw new Error(`writeParquet: summary hit_rate = ${String(summary.hit_rate)} is neither a number nor null`);
  // JSON has no NaN or Infinity (they would come back as null), and no undefined.
  const walk = (value: unknown, key: string): void => {
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new Error(`writeParquet: summary ${key} = ${value} is not a finite number`);
    } else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, key ? `${key}.${k}` : k);
    } else if (value !== null && typeof value !== "string" && typeof value !== "boolean" && !(value === undefined && key !== "")) {
      throw new Error(`writeParquet: summary ${key} = ${String(value)} cannot be kept as JSON`);
    }
  };
  const { config: _config, ...rest } = summary;
  walk(rest, "");
  for (const key of ["durationSecs", "requests", "throughput_rps", "errors"] as const) {
    if (typeof summary[key] !== "number") throw new Error(`writeParquet: summary ${key} = ${String(summary[key])} is not a number`);
  }
  for (const key of ["p50", "p90", "p99", "p999", "max"] as const) {
    if (typeof summary.latency_us?.[key] !== "number") throw new Error(`writeParquet: summary latency_us.${key} is not a number`);
  }
}

/** The file's bytes: one row group, SNAPPY pages, statistics on. */
export function encodeParquet(rows: SecondRecord[], summary: RunSummary): Uint8Array {
  checkSummary(summary);
  const { config, ...rest } = summary;
  const buffer = parquetWriteBuffer({
    columnData: PARQUET_COLUMNS.map((c) => ({ name: c.name, data: columnValues(rows, c.field, c.name, c.kind) })),
    schema: [{ name: "root", num_children: PARQUET_COLUMNS.length }, ...PARQUET_COLUMNS.map((c) => schemaElement(c.name, c.kind))],
    // A day of seconds in one row group: the whole run is read at once anyway.
    rowGroupSize: 100_000,
    kvMetadata: [
      { key: META_FORMAT, value: PARQUET_FORMAT },
      { key: META_SUMMARY, value: JSON.stringify(rest) },
      { key: META_CONFIG, value: config },
    ],
    createdBy: "crucible-benchmark",
  });
  return new Uint8Array(buffer);
}

/**
 * Writes the run to `path` through a temporary file in the same directory, fsynced, then
 * renamed over it: a reader never sees half a file, and a failed write leaves the old one.
 */
export async function writeParquet(path: string, rows: SecondRecord[], summary: RunSummary): Promise<void> {
  const bytes = encodeParquet(rows, summary);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, "w", 0o644);
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

const MAGIC = "PAR1";

function hasMagic(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 4; i++) if (bytes[at + i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

function toNumber(path: string, name: string, row: number, v: unknown): number {
  if (typeof v === "bigint") {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new BenchmarkFileError(path, `column ${name}, row ${row}: ${v} is beyond a safe integer`);
    return n;
  }
  if (v instanceof Date) return v.getTime();
  if (typeof v === "number") return v;
  throw new BenchmarkFileError(path, `column ${name}, row ${row}: expected a number, found ${String(v)}`);
}

/** The file's metadata, or why it is not a crucible-benchmark Parquet file. */
function checkMetadata(path: string, file: ArrayBuffer): FileMetaData {
  const bytes = new Uint8Array(file);
  if (bytes.length < 12 || !hasMagic(bytes, 0) || !hasMagic(bytes, bytes.length - 4)) {
    throw new BenchmarkFileError(path, "not a Parquet file (no PAR1 magic); expected a file written by crucible-benchmark --parquet");
  }
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw new BenchmarkFileError(path, `not a readable Parquet file: ${(error as Error).message}`);
  }
  const kv = metadata.key_value_metadata ?? [];
  const format = kv.find((e) => e.key === META_FORMAT)?.value;
  if (format === undefined) {
    throw new BenchmarkFileError(path, `a Parquet file, but not one written by crucible-benchmark --parquet (no ${META_FORMAT} metadata)`);
  }
  if (format !== PARQUET_FORMAT) throw new BenchmarkFileError(path, `written by a crucible-benchmark of another format (${format}); this one reads ${PARQUET_FORMAT}`);
  const names = new Set(metadata.schema.slice(1).map((e) => e.name));
  const missing = PARQUET_COLUMNS.filter((c) => !names.has(c.name)).map((c) => c.name);
  if (missing.length > 0) throw new BenchmarkFileError(path, `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  return metadata;
}

function parseSummary(path: string, metadata: FileMetaData): RunSummary {
  const kv = metadata.key_value_metadata ?? [];
  const json = kv.find((e) => e.key === META_SUMMARY)?.value;
  if (json === undefined) throw new BenchmarkFileError(path, `no ${META_SUMMARY} metadata`);
  let s: Omit<RunSummary, "config">;
  try {
    s = JSON.parse(json) as Omit<RunSummary, "config">;
  } catch (error) {
    throw new BenchmarkFileError(path, `${META_SUMMARY} is not JSON: ${(error as Error).message}`);
  }
  const isNumber = (v: unknown) => typeof v === "number";
  const ok =
    typeof s === "object" &&
    s !== null &&
    [s.durationSecs, s.requests, s.throughput_rps, s.errors].every(isNumber) &&
    (s.hit_rate === null || isNumber(s.hit_rate)) &&
    typeof s.latency_us === "object" &&
    s.latency_us !== null &&
    [s.latency_us.p50, s.latency_us.p90, s.latency_us.p99, s.latency_us.p999, s.latency_us.max].every(isNumber);
  if (!ok) throw new BenchmarkFileError(path, `${META_SUMMARY} is not a run summary: ${json.slice(0, 200)}`);
  // Every key the writer kept (optional ones included), in its order, then the configuration.
  return { ...s, config: kv.find((e) => e.key === META_CONFIG)?.value ?? "" };
}

/** Decodes a file `encodeParquet` wrote; `path` names it in errors. */
export async function decodeParquet(path: string, bytes: Uint8Array): Promise<{ rows: SecondRecord[]; summary: RunSummary }> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = checkMetadata(path, file);
  const summary = parseSummary(path, metadata);
  let objects: Record<string, unknown>[];
  try {
    objects = await parquetReadObjects({ file, metadata, columns: PARQUET_COLUMNS.map((c) => c.name) });
  } catch (error) {
    throw new BenchmarkFileError(path, `cannot read its rows: ${(error as Error).message}`);
  }
  const rows = objects.map((o, i) => {
    const r = {} as Record<keyof SecondRecord, number | boolean>;
    for (const c of PARQUET_COLUMNS) {
      const v = o[c.name];
      if (c.kind === "boolean") {
        if (typeof v !== "boolean") throw new BenchmarkFileError(path, `column ${c.name}, row ${i}: expected a boolean, found ${String(v)}`);
        r[c.field] = v;
      } else {
        r[c.field] = toNumber(path, c.name, i, v);
      }
    }
    return r as unknown as SecondRecord;
  });
  return { rows, summary };
}

/** Reads a file `writeParquet` wrote; a BenchmarkFileError says why one cannot be used. */
export async function readParquet(path: string): Promise<{ rows: SecondRecord[]; summary: RunSummary }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new BenchmarkFileError(path, "no such file");
    if (code === "EISDIR") throw new BenchmarkFileError(path, "is a directory, not a Parquet file");
    if (code === "EACCES") throw new BenchmarkFileError(path, "permission denied");
    throw new BenchmarkFileError(path, `cannot read: ${(error as Error).message}`);
  }
  return decodeParquet(path, bytes);
}
