// crucible-benchmark --parquet: the file round-trips exactly, hyparquet reads it as a plain
// Parquet file with the documented columns and types, and so do pandas and DuckDB where this
// machine has them (skipped, with the reason in the test's name, where it does not).
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { BenchmarkFileError, META_CONFIG, META_FORMAT, META_SUMMARY, PARQUET_COLUMNS, PARQUET_FORMAT, readParquet, writeParquet } from "../../../src/benchmark/parquet.ts";
import type { RunSummary, SecondRecord } from "../../../src/benchmark/record.ts";
import { START_MS, syntheticRows, syntheticSummary } from "../../helpers/benchmark-rows.ts";

const dir = mkdtempSync(join(tmpdir(), "crucible-parquet-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rows with the edge cases: warm-up flags, all-zero seconds, counts past 2^32 and up to 2^53 - 1. */
function edgeRows(): SecondRecord[] {
  const rows = syntheticRows({ seconds: 12, warmupSecs: 3, spikeAt: 6 });
  // A second with nothing in it (a stalled server): zeros everywhere.
  rows[4] = { ...rows[4], requests: 0, throughputRps: 0, errors: 0, hits: 0, misses: 0, bytesSent: 0, bytesReceived: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, connectionsOpen: 0, connectFailures: 50 };
  // Large counts: a long run's byte counters pass 2^32 and reach 2^53 - 1.
  rows[8] = { ...rows[8], requests: 2 ** 40 + 7, bytesSent: Number.MAX_SAFE_INTEGER, bytesReceived: 2 ** 53 - 2, hits: 4_294_967_297, misses: 1, errors: 2 ** 33 };
  // Doubles that a float32 or a decimal print would not keep.
  rows[9] = { ...rows[9], throughputRps: 0.1 + 0.2, p50Us: 1e-300, p90Us: 123456.789012345, p99Us: Math.PI, p999Us: 2 ** 60, maxUs: Number.MAX_VALUE };
  rows[11] = { ...rows[11], connectionsOpen: 2_147_483_647, second: 11 };
  return rows;
}

function edgeSummary(rows: SecondRecord[]): RunSummary {
  return { ...syntheticSummary(rows), throughput_rps: 0.1 + 0.2, config: `# ünïcode ✓ and "quotes"\n[general]\nduration = "10s"\n\n[workload.commands]\nget = 80\nset = 20\n` };
}

function pathOf(name: string): string {
  return join(dir, name);
}

describe("writeParquet / readParquet", () => {
  test("round-trips rows and summary exactly: warm-up flags, zeros, large counts, doubles", async () => {
    const rows = edgeRows();
    const summary = edgeSummary(rows);
    const path = pathOf("edge.parquet");
    await writeParquet(path, rows, summary);
    const back = await readParquet(path);
    expect(back.rows).toEqual(rows);
    expect(back.summary).toEqual(summary);
    // Same values and the same field order as the record and summary types.
    expect(JSON.stringify(back.rows)).toBe(JSON.stringify(rows));
    expect(JSON.stringify(back.summary)).toBe(JSON.stringify(summary));
    expect(back.rows.map((r) => r.warmup)).toEqual([true, true, true, false, false, false, false, false, false, false, false, false]);
  });

  test("a summary with no reads (hit_rate null) and a run with no rows", async () => {
    const summary: RunSummary = { durationSecs: 0, requests: 0, throughput_rps: 0, latency_us: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0 }, errors: 0, hit_rate: null, config: "" };
    const path = pathOf("empty.parquet");
    await writeParquet(path, [], summary);
    const back = await readParquet(path);
    expect(back.rows).toEqual([]);
    expect(back.summary).toEqual(summary);
  });

  test("optional summary fields (disconnects) are kept when present and stay absent when not", async () => {
    const rows = syntheticRows({ seconds: 4, warmupSecs: 1, spikeAt: 2 });
    const path = pathOf("optional.parquet");
    const withDisconnects: RunSummary = { ...syntheticSummary(rows), disconnects: 3 };
    await writeParquet(path, rows, withDisconnects);
    expect((await readParquet(path)).summary).toEqual(withDisconnects);
    const without = syntheticSummary(rows);
    await writeParquet(path, rows, without);
    const back = (await readParquet(path)).summary;
    expect(back).toEqual(without);
    expect("disconnects" in back).toBe(false);
    await expect(writeParquet(path, rows, { ...without, disconnects: Infinity })).rejects.toThrow("summary disconnects = Infinity is not a finite number");
  });

  test("a long run: 3 hours of seconds in one file", async () => {
    const rows = syntheticRows({ seconds: 3 * 3600, warmupSecs: 30, spikeAt: 5000 });
    const path = pathOf("long.parquet");
    await writeParquet(path, rows, syntheticSummary(rows));
    const back = await readParquet(path);
    expect(back.rows.length).toBe(rows.length);
    expect(back.rows).toEqual(rows);
  });

  test("writes atomically: replaces the old file, leaves no temporary file behind", async () => {
    const path = pathOf("atomic.parquet");
    writeFileSync(path, "old contents");
    const rows = syntheticRows({ seconds: 5, warmupSecs: 1, spikeAt: 2 });
    await writeParquet(path, rows, syntheticSummary(rows));
    expect((await readParquet(path)).rows).toEqual(rows);
    expect(readdirSync(dir).filter((f) => f.includes("atomic") && f !== "atomic.parquet")).toEqual([]);
  });

  test("a value that would not round-trip is refused, naming the field and column; the old file is kept", async () => {
    const path = pathOf("kept.parquet");
    const rows = syntheticRows({ seconds: 3, warmupSecs: 0, spikeAt: 1 });
    await writeParquet(path, rows, syntheticSummary(rows));
    const before = readFileSync(path);
    const bad = (patch: Partial<SecondRecord>) => [rows[0], { ...rows[1], ...patch }];
    await expect(writeParquet(path, bad({ requests: 1.5 }), syntheticSummary(rows))).rejects.toThrow("row 1 (second 1): requests = 1.5 is not a safe integer (column requests)");
    await expect(writeParquet(path, bad({ bytesSent: 2 ** 53 }), syntheticSummary(rows))).rejects.toThrow("bytesSent = 9007199254740992 is not a safe integer (column bytes_sent)");
    await expect(writeParquet(path, bad({ connectionsOpen: 2 ** 31 }), syntheticSummary(rows))).rejects.toThrow("connectionsOpen = 2147483648 is not a 32-bit integer (column connections_open)");
    await expect(writeParquet(path, rows, { ...syntheticSummary(rows), throughput_rps: NaN })).rejects.toThrow("summary throughput_rps = NaN is not a finite number");
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.includes("kept") && f !== "kept.parquet")).toEqual([]);
  });

  test("a directory that does not exist: the write fails and leaves nothing", async () => {
    const rows = syntheticRows({ seconds: 2, warmupSecs: 0, spikeAt: 0 });
    await expect(writeParquet(join(dir, "no-such-dir", "x.parquet"), rows, syntheticSummary(rows))).rejects.toThrow(/ENOENT|no such file/i);
    expect(existsSync(join(dir, "no-such-dir"))).toBe(false);
  });
});

describe("readParquet errors say what is wrong with the file", () => {
  test("missing file", async () => {
    const path = pathOf("missing.parquet");
    const error = await readParquet(path).catch((e) => e);
    expect(error).toBeInstanceOf(BenchmarkFileError);
    expect(error.message).toBe(`${path}: no such file`);
  });

  test("a directory", async () => {
    await expect(readParquet(dir)).rejects.toThrow(`${dir}: is a directory, not a Parquet file`);
  });

  test("not a Parquet file", async () => {
    const path = pathOf("results.csv");
    writeFileSync(path, "second,requests\n0,100\n");
    await expect(readParquet(path)).rejects.toThrow(`${path}: not a Parquet file (no PAR1 magic); expected a file written by crucible-benchmark --parquet`);
    const empty = pathOf("empty-file.parquet");
    writeFileSync(empty, "");
    await expect(readParquet(empty)).rejects.toThrow("not a Parquet file");
  });

  test("a truncated or corrupted Parquet file", async () => {
    const rows = syntheticRows({ seconds: 10, warmupSecs: 2, spikeAt: 4 });
    const good = pathOf("good.parquet");
    await writeParquet(good, rows, syntheticSummary(rows));
    const bytes = readFileSync(good);
    const truncated = pathOf("truncated.parquet");
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    await expect(readParquet(truncated)).rejects.toThrow("not a Parquet file (no PAR1 magic)");
    // Footer length pointing past the start of the file.
    const corrupt = Buffer.from(bytes);
    corrupt.writeUInt32LE(bytes.length * 2, bytes.length - 8);
    const corruptPath = pathOf("corrupt.parquet");
    writeFileSync(corruptPath, corrupt);
    const error = await readParquet(corruptPath).catch((e) => e);
    expect(error).toBeInstanceOf(BenchmarkFileError);
    expect(error.message).toStartWith(`${corruptPath}: not a readable Parquet file: `);
  });

  test("a Parquet file that crucible-benchmark did not write", async () => {
    const path = pathOf("other.parquet");
    writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "x", data: [1, 2, 3], type: "INT32" }] })));
    await expect(readParquet(path)).rejects.toThrow(`${path}: a Parquet file, but not one written by crucible-benchmark --parquet (no crucible.format metadata)`);
  });

  test("a crucible-benchmark file of another format version, or missing columns", async () => {
    const other = pathOf("v2.parquet");
    writeFileSync(other, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "second", data: [0], type: "INT32" }], kvMetadata: [{ key: META_FORMAT, value: "crucible-benchmark/2" }] })));
    await expect(readParquet(other)).rejects.toThrow("written by a crucible-benchmark of another format (crucible-benchmark/2); this one reads crucible-benchmark/1");
    const partial = pathOf("partial.parquet");
    writeFileSync(partial, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "second", data: [0], type: "INT32" }], kvMetadata: [{ key: META_FORMAT, value: PARQUET_FORMAT }] })));
    await expect(readParquet(partial)).rejects.toThrow("missing columns timestamp, warmup, requests");
  });
});

describe("the file as other readers see it", () => {
  const rows = edgeRows();
  const summary = edgeSummary(rows);
  const path = pathOf("readers.parquet");
  const written = writeParquet(path, rows, summary);

  test("hyparquet: the documented columns, physical and logical types, and metadata", async () => {
    await written;
    const bytes = readFileSync(path);
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(Number(metadata.num_rows)).toBe(rows.length);
    const columns = metadata.schema.slice(1).map((e) => ({ name: e.name, type: e.type, repetition: e.repetition_type, converted: e.converted_type, logical: e.logical_type }));
    expect(columns.map((c) => c.name)).toEqual([
      "second",
      "timestamp",
      "warmup",
      "requests",
      "throughput_rps",
      "errors",
      "hits",
      "misses",
      "bytes_sent",
      "bytes_received",
      "p50_us",
      "p90_us",
      "p99_us",
      "p999_us",
      "max_us",
      "connections_open",
      "connect_failures",
    ]);
    const types = Object.fromEntries(columns.map((c) => [c.name, c.type]));
    expect(types).toEqual({
      second: "INT32",
      timestamp: "INT64",
      warmup: "BOOLEAN",
      requests: "INT64",
      throughput_rps: "DOUBLE",
      errors: "INT64",
      hits: "INT64",
      misses: "INT64",
      bytes_sent: "INT64",
      bytes_received: "INT64",
      p50_us: "DOUBLE",
      p90_us: "DOUBLE",
      p99_us: "DOUBLE",
      p999_us: "DOUBLE",
      max_us: "DOUBLE",
      connections_open: "INT32",
      connect_failures: "INT64",
    });
    expect(columns.every((c) => c.repetition === "REQUIRED")).toBe(true);
    const ts = columns.find((c) => c.name === "timestamp")!;
    expect(ts.converted).toBe("TIMESTAMP_MILLIS");
    expect(ts.logical).toEqual({ type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" });
    expect(PARQUET_COLUMNS.map((c): string => c.name)).toEqual(columns.map((c) => c.name));

    const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value]));
    expect(kv[META_FORMAT]).toBe("crucible-benchmark/1");
    const { config, ...rest } = summary;
    expect(JSON.parse(kv[META_SUMMARY]!)).toEqual(rest);
    expect(kv[META_CONFIG]).toBe(config);
    expect(metadata.created_by).toBe("crucible-benchmark");

    const objects = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    expect(objects.length).toBe(rows.length);
    expect(objects[0].timestamp).toEqual(new Date(START_MS + 1000));
    expect(objects[0].warmup).toBe(true);
    expect(objects[8].bytes_sent).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(objects[9].throughput_rps).toBe(0.1 + 0.2);
    expect(objects[11].connections_open).toBe(2_147_483_647);
  });

  const python = Bun.which("python3");
  const pyHas = (modules: string) => python !== null && Bun.spawnSync([python, "-c", `import ${modules}`], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
  const hasPandas = pyHas("pandas, pyarrow");
  const duckdbCli = Bun.which("duckdb");
  const hasPyDuckdb = pyHas("duckdb");

  function runPython(script: string): unknown {
    const proc = Bun.spawnSync([python!, "-c", script, path], { stdout: "pipe", stderr: "pipe" });
    if (proc.exitCode !== 0) throw new Error(`python3 failed:\n${proc.stderr.toString()}`);
    return JSON.parse(proc.stdout.toString());
  }

  test.skipIf(!hasPandas)(`pandas (python3 with pandas and pyarrow${hasPandas ? "" : ": not installed, skipped"}) reads the columns, types, values and metadata`, async () => {
    await written;
    const out = runPython(`
import json, sys
import pandas as pd, pyarrow.parquet as pq
df = pd.read_parquet(sys.argv[1])
cols = {c: df[c].tolist() for c in df.columns if c != "timestamp"}
cols["timestamp"] = [round(t.timestamp() * 1000) for t in df["timestamp"]]
meta = {k.decode(): v.decode() for k, v in pq.read_metadata(sys.argv[1]).metadata.items()}
print(json.dumps({"dtypes": {c: str(t) for c, t in df.dtypes.items()}, "columns": cols, "meta": meta}))
`) as { dtypes: Record<string, string>; columns: Record<string, unknown[]>; meta: Record<string, string> };
    const { timestamp, ...dtypes } = out.dtypes;
    expect(timestamp).toMatch(/^datetime64\[(ms|us|ns), UTC\]$/);
    expect(dtypes).toEqual({
      second: "int32",
      warmup: "bool",
      requests: "int64",
      throughput_rps: "float64",
      errors: "int64",
      hits: "int64",
      misses: "int64",
      bytes_sent: "int64",
      bytes_received: "int64",
      p50_us: "float64",
      p90_us: "float64",
      p99_us: "float64",
      p999_us: "float64",
      max_us: "float64",
      connections_open: "int32",
      connect_failures: "int64",
    });
    for (const c of PARQUET_COLUMNS) expect(out.columns[c.name]).toEqual(rows.map((r) => r[c.field]));
    expect(out.meta[META_FORMAT]).toBe(PARQUET_FORMAT);
    expect(out.meta[META_CONFIG]).toBe(summary.config);
  });

  const duckdbWhy = duckdbCli ? "duckdb CLI" : hasPyDuckdb ? "python3 duckdb" : "no duckdb CLI nor python3 duckdb: skipped";
  test.skipIf(!duckdbCli && !hasPyDuckdb)(`DuckDB (${duckdbWhy}) reads the columns, types, values and metadata`, async () => {
    await written;
    const file = path.replaceAll("'", "''");
    const queries = {
      describe: `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`,
      totals: `SELECT count(*)::BIGINT AS n, (count(*) FILTER (WHERE warmup))::BIGINT AS warm, max(bytes_sent)::VARCHAR AS max_bytes_sent, sum(requests)::VARCHAR AS requests, epoch_ms(min("timestamp"))::VARCHAR AS first_ts, max(max_us) AS max_us FROM read_parquet('${file}')`,
      meta: `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${file}')`,
    };
    const sql = (q: string): Record<string, unknown>[] => {
      if (duckdbCli) {
        const proc = Bun.spawnSync([duckdbCli, "-json", "-c", q], { stdout: "pipe", stderr: "pipe" });
        if (proc.exitCode !== 0) throw new Error(`duckdb failed:\n${proc.stderr.toString()}`);
        return JSON.parse(proc.stdout.toString() || "[]");
      }
      return runPython(`
import json, sys, duckdb
rel = duckdb.sql(${JSON.stringify(q)})
print(json.dumps([dict(zip(rel.columns, row)) for row in rel.fetchall()]))
`) as Record<string, unknown>[];
    };
    const types = Object.fromEntries(sql(queries.describe).map((r) => [r.column_name, r.column_type]));
    expect(types).toEqual({
      second: "INTEGER",
      timestamp: "TIMESTAMP WITH TIME ZONE",
      warmup: "BOOLEAN",
      requests: "BIGINT",
      throughput_rps: "DOUBLE",
      errors: "BIGINT",
      hits: "BIGINT",
      misses: "BIGINT",
      bytes_sent: "BIGINT",
      bytes_received: "BIGINT",
      p50_us: "DOUBLE",
      p90_us: "DOUBLE",
      p99_us: "DOUBLE",
      p999_us: "DOUBLE",
      max_us: "DOUBLE",
      connections_open: "INTEGER",
      connect_failures: "BIGINT",
    });
    const [totals] = sql(queries.totals);
    expect(Number(totals.n)).toBe(rows.length);
    expect(Number(totals.warm)).toBe(3);
    expect(totals.max_bytes_sent).toBe(String(Number.MAX_SAFE_INTEGER));
    expect(totals.requests).toBe(String(rows.reduce((n, r) => n + BigInt(r.requests), 0n)));
    expect(totals.first_ts).toBe(String(START_MS + 1000));
    expect(totals.max_us).toBe(Number.MAX_VALUE);
    const meta = Object.fromEntries(sql(queries.meta).map((r) => [r.key, r.value]));
    expect(meta[META_FORMAT]).toBe(PARQUET_FORMAT);
    expect(JSON.parse(meta[META_SUMMARY] as string).hit_rate).toBe(summary.hit_rate);
    expect(meta[META_CONFIG]).toBe(summary.config);
  });
});
