// crucible-benchmark view: the page and its assets over HTTP, then the page rendered in headless
// Chromium (Debian's `chromium`, installed by scripts/system-deps.sh): --dump-dom reads the
// readiness and per-chart pixel counts the page exposes from uPlot's draw hook, and the
// screenshot, decoded here, must have drawn series in every chart area it shows.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { writeParquet } from "../../src/benchmark/parquet.ts";
import { BenchmarkFileError, runView, ViewError } from "../../src/benchmark/view/index.ts";
import { syntheticRows, syntheticSummary } from "../helpers/benchmark-rows.ts";
import { decodePng, isPng, regionStats } from "../helpers/png.ts";

const dir = mkdtempSync(join(tmpdir(), "crucible-view-"));
const stops: (() => void)[] = [];
afterAll(() => {
  for (const stop of stops.splice(0)) stop();
  rmSync(dir, { recursive: true, force: true });
});

const SECONDS = 30;
const WARMUP = 5;
const SPIKE_A = 15;
const SPIKE_B = 21;
const rowsA = syntheticRows({ seconds: SECONDS, warmupSecs: WARMUP, spikeAt: SPIKE_A });
const rowsB = syntheticRows({ seconds: SECONDS, warmupSecs: WARMUP, spikeAt: SPIKE_B, scale: 1.3 });
const fileA = join(dir, "baseline.parquet");
const fileB = join(dir, "candidate.parquet");
const files = Promise.all([writeParquet(fileA, rowsA, syntheticSummary(rowsA)), writeParquet(fileB, rowsB, { ...syntheticSummary(rowsB), disconnects: 2 })]);

async function view(paths: string[]): Promise<string> {
  await files;
  const v = await runView(paths, { port: 0 });
  stops.push(v.stop);
  return v.url;
}

describe("view over HTTP", () => {
  test("serves the page, its script, uPlot and the runs, on 127.0.0.1", async () => {
    const url = await view([fileA]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const expected: [string, string][] = [
      ["", "text/html"],
      ["app.js", "text/javascript"],
      ["assets/uPlot.iife.min.js", "text/javascript"],
      ["assets/uPlot.min.css", "text/css"],
      ["api/runs", "application/json"],
    ];
    for (const [path, type] of expected) {
      const res = await fetch(url + path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get("content-type")).toStartWith(type);
      const body = await res.text();
      expect(body.length).toBeGreaterThan(100);
    }
    expect(await (await fetch(url + "assets/uPlot.iife.min.js")).text()).toContain("uPlot");
    expect((await fetch(url + "nope")).status).toBe(404);
    expect((await fetch(url, { method: "POST" })).status).toBe(405);

    // Nothing the page loads comes from anywhere but this server.
    const html = await (await fetch(url)).text();
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).toContain('src="/assets/uPlot.iife.min.js"');

    const { runs } = (await (await fetch(url + "api/runs")).json()) as { runs: { label: string; name: string; summary: unknown; columns: Record<string, unknown[]> }[] };
    expect(runs.length).toBe(1);
    expect(runs[0].label).toBe("A");
    expect(runs[0].name).toBe("baseline.parquet");
    expect(runs[0].summary).toEqual(syntheticSummary(rowsA));
    expect(runs[0].columns.second.length).toBe(SECONDS);
    expect(runs[0].columns.warmup.filter(Boolean).length).toBe(WARMUP);
    expect(runs[0].columns.p99Us).toEqual(rowsA.map((r) => r.p99Us));
  });

  test("bad files are reported before anything listens", async () => {
    await files;
    const missing = join(dir, "missing.parquet");
    const e1 = await runView([missing], { port: 0 }).catch((e) => e);
    expect(e1).toBeInstanceOf(BenchmarkFileError);
    expect(e1.message).toBe(`${missing}: no such file`);

    const csv = join(dir, "results.csv");
    writeFileSync(csv, "second,requests\n0,1\n");
    await expect(runView([fileA, csv], { port: 0 })).rejects.toThrow(`${csv}: not a Parquet file (no PAR1 magic); expected a file written by crucible-benchmark --parquet`);

    const foreign = join(dir, "foreign.parquet");
    writeFileSync(foreign, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "x", data: [1, 2], type: "INT32" }] })));
    await expect(runView([foreign], { port: 0 })).rejects.toThrow("a Parquet file, but not one written by crucible-benchmark --parquet");

    await expect(runView([], { port: 0 })).rejects.toBeInstanceOf(ViewError);
    await expect(runView([fileA, fileB, fileA], { port: 0 })).rejects.toThrow("at most 2 files (view FILE [FILE2]), got 3");
    await expect(runView([fileA], { port: 70000 })).rejects.toThrow("--port must be an integer from 0 to 65535");
  });

  test("a port in use is a clear error", async () => {
    const url = await view([fileA]);
    const port = Number(new URL(url).port);
    const error = await runView([fileA], { port }).catch((e) => e);
    expect(error).toBeInstanceOf(ViewError);
    expect(error.message).toBe(`view: 127.0.0.1:${port} is in use; pass --port N (0 picks a free port)`);
  });
});

// ---- headless Chromium

const chromium = Bun.which("chromium") ?? Bun.which("chromium-browser");
/** A test that starts Chromium up to three times (about 1 s each here; more on a loaded machine). */
const CHROMIUM_TEST_MS = 60_000;
const WIDTH = 1400;
const HEIGHT = 1000;

async function runChromium(args: string[], timeoutMs = 20_000): Promise<string> {
  const profile = mkdtempSync(join(dir, "chromium-"));
  const proc = Bun.spawn(
    [
      chromium!,
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
      "--force-device-scale-factor=1",
      `--window-size=${WIDTH},${HEIGHT}`,
      // Virtual time runs until the page is idle (fetches done, charts drawn) or the budget ends.
      "--virtual-time-budget=15000",
      // No network but the local server: a page that needed anything else would not render.
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
      ...args,
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => proc.kill(), timeoutMs);
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  if (code !== 0) throw new Error(`chromium exited ${code}:\n${err.slice(-2000)}`);
  return out;
}

/** The charts the page reports in its DOM: id, coloured pixels drawn, plot area (x, y, w, h). */
function chartsOf(dom: string): { id: string; pixels: number; rect: [number, number, number, number] }[] {
  return [...dom.matchAll(/<div class="chart" id="chart-([a-z]+)"[^>]*data-pixels="(\d+)" data-rect="([\d,.-]+)"/g)].map((m) => ({
    id: m[1],
    pixels: Number(m[2]),
    rect: m[3].split(",").map(Number) as [number, number, number, number],
  }));
}

function chartPixels(dom: string): Record<string, number> {
  return Object.fromEntries(chartsOf(dom).map((c) => [c.id, c.pixels]));
}

interface Rendered {
  dom: string;
  charts: { id: string; pixels: number; rect: [number, number, number, number] }[];
  stats: Record<string, ReturnType<typeof regionStats>>;
  png: ReturnType<typeof decodePng>;
}

/** --dump-dom, then --screenshot: the page's own pixel counts and the PNG's, chart by chart. */
async function render(url: string, name: string): Promise<Rendered> {
  const dom = await runChromium(["--dump-dom", url]);
  const body = /<body([^>]*)>/.exec(dom)?.[1] ?? "";
  expect(body).not.toContain('data-ready="error"');
  expect(body).toContain('data-ready="1"');
  const charts = chartsOf(dom);

  const shot = join(dir, `${name}.png`);
  await runChromium([`--screenshot=${shot}`, url]);
  const bytes = new Uint8Array(readFileSync(shot));
  expect(isPng(bytes)).toBe(true);
  const png = decodePng(bytes);
  expect([png.width, png.height]).toEqual([WIDTH, HEIGHT]);
  const stats: Rendered["stats"] = {};
  for (const c of charts) {
    const [x, y, w, h] = c.rect;
    if (y + h <= HEIGHT) stats[c.id] = regionStats(png, x, y, w, h);
  }
  stats.page = regionStats(png, 0, 0, WIDTH, HEIGHT);
  console.log(`${name}: page-side coloured pixels ${JSON.stringify(Object.fromEntries(charts.map((c) => [c.id, c.pixels])))}; screenshot ${JSON.stringify(stats)}`);
  return { dom, charts, stats, png };
}

/** Coloured pixels of the screenshot inside part of a chart's plot area (fractions of it). */
function band(r: Rendered, id: string, fromX: number, toX: number, fromY: number, toY: number) {
  const [x, y, w, h] = r.charts.find((c) => c.id === id)!.rect;
  return regionStats(r.png, x + fromX * w, y + fromY * h, (toX - fromX) * w, (toY - fromY) * h).coloured;
}

/** Where second `s` falls across the x axis (0..SECONDS-1), as a fraction. */
const at = (s: number) => s / (SECONDS - 1);

describe.skipIf(!chromium)(`view in headless Chromium${chromium ? "" : " (no chromium on PATH: run scripts/system-deps.sh; skipped)"}`, () => {
  test("one run: every chart draws its series; warm-up and the latency spike show", async () => {
    const url = await view([fileA]);
    const r = await render(url, "one-run");
    expect(r.charts.map((c) => c.id)).toEqual(["throughput", "latency", "hitrate", "errors", "connections"]);
    for (const c of r.charts) expect({ chart: c.id, drawn: c.pixels >= 500 }).toEqual({ chart: c.id, drawn: true });
    // The screenshot agrees: at least the first four charts are on it, each with drawn series.
    expect(Object.keys(r.stats).length).toBeGreaterThanOrEqual(5);
    for (const [id, s] of Object.entries(r.stats)) {
      if (id === "page") continue;
      expect({ chart: id, coloured: s.coloured >= 500, nonWhite: s.nonWhite >= s.pixels * 0.02 }).toEqual({ chart: id, coloured: true, nonWhite: true });
    }
    // Latency is on a log scale from 100µs to 1s: the spike (40x, seconds 15-17) reaches the
    // top half, where nothing else is, and nowhere else does.
    expect(band(r, "latency", at(SPIKE_A) + 0.01, at(SPIKE_A + 2) - 0.01, 0, 0.45)).toBeGreaterThan(20);
    expect(band(r, "latency", at(SPIKE_A + 5), 1, 0, 0.45)).toBe(0);
    // The errors (12 in second 16) rise above the zero line there only (the warm-up band, with
    // its label, left out).
    expect(band(r, "errors", at(SPIKE_A + 1) - 0.02, at(SPIKE_A + 1) + 0.02, 0, 0.5)).toBeGreaterThan(5);
    expect(band(r, "errors", at(WARMUP) + 0.02, at(SPIKE_A) - 0.02, 0, 0.5)).toBe(0);
    expect(band(r, "errors", at(SPIKE_A + 2) + 0.02, 1, 0, 0.5)).toBe(0);
    // Warm-up seconds are shaded (orange tint over white) in every chart.
    for (const c of r.charts.filter((c) => r.stats[c.id])) {
      const [x, y, w, h] = c.rect;
      const tinted = warmTint(r.png, x + 0.3 * at(WARMUP - 1) * w, y + 0.6 * h, 4, 4);
      expect({ chart: c.id, tinted }).toEqual({ chart: c.id, tinted: true });
    }
    expect(r.dom).toContain("warm-up (not in the summary)");
    expect(r.dom).toContain('<table class="summary"');
    expect(r.dom).toContain("[workload.keyspace]");
  }, CHROMIUM_TEST_MS);

  test("two runs compared: both overlaid with a legend, summary side by side with ratios", async () => {
    const url = await view([fileA, fileB]);
    const two = await render(url, "two-runs");
    for (const c of two.charts) expect({ chart: c.id, drawn: c.pixels >= 500 }).toEqual({ chart: c.id, drawn: true });
    // Twice the series: more drawn pixels in the throughput and latency charts than one run has.
    const one = chartPixels(await runChromium(["--dump-dom", await view([fileA])]));
    const pixels = (r: Rendered, id: string) => r.charts.find((c) => c.id === id)!.pixels;
    expect(pixels(two, "throughput")).toBeGreaterThan(one.throughput * 1.3);
    expect(pixels(two, "latency")).toBeGreaterThan(one.latency * 1.3);
    // Both spikes show in the latency chart's top half: A's at 15-17, B's at 21-23.
    expect(band(two, "latency", at(SPIKE_A) + 0.01, at(SPIKE_A + 2) - 0.01, 0, 0.45)).toBeGreaterThan(20);
    expect(band(two, "latency", at(SPIKE_B) + 0.01, at(SPIKE_B + 2) - 0.01, 0, 0.45)).toBeGreaterThan(20);
    for (const label of ["A p99", "B p99", "A req/s", "B req/s", "baseline.parquet", "candidate.parquet", "B / A"]) expect(two.dom).toContain(label);
    // B's throughput is 1.3x A's.
    // A summary field only B has (disconnects) shows for B, as a dash for A.
    expect(two.dom).toContain("<td>Disconnects</td><td>—</td><td>2</td>");
    expect(two.dom).toMatch(/<td>Throughput<\/td><td>[\d,]+ req\/s<\/td><td>[\d,]+ req\/s<\/td><td>1\.3x<\/td>/);
  }, CHROMIUM_TEST_MS);

  test("a run with no rows renders, saying so", async () => {
    const empty = join(dir, "empty.parquet");
    await writeParquet(empty, [], { durationSecs: 0, requests: 0, throughput_rps: 0, latency_us: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0 }, errors: 0, hit_rate: null, config: "" });
    const url = await view([empty]);
    const dom = await runChromium(["--dump-dom", url]);
    expect(dom).toContain('data-ready="1"');
    expect(dom).toContain("These runs have no per-second rows.");
  }, CHROMIUM_TEST_MS);
});

/** The warm-up band's tint: orange over white, light (not a series line). */
function warmTint(png: ReturnType<typeof decodePng>, x: number, y: number, w: number, h: number): boolean {
  let tinted = 0;
  let n = 0;
  for (let yy = Math.floor(y); yy < y + h; yy++) {
    for (let xx = Math.floor(x); xx < x + w; xx++) {
      const o = (yy * png.width + xx) * 4;
      const [r, g, b] = [png.rgba[o], png.rgba[o + 1], png.rgba[o + 2]];
      n++;
      if (r > 240 && g > 225 && g < 252 && b > 200 && b < 245 && r - b > 12) tinted++;
    }
  }
  return tinted >= n / 2;
}
