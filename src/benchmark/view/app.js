// crucible-benchmark view: the page's script. Plain browser JavaScript (no build step), served
// as /app.js after uPlot's browser build, which defines the global `uPlot`.
//
// It fetches /api/runs, draws the charts (one run, or two overlaid: run A solid, run B dashed),
// shades warm-up seconds, and fills the summary and configuration. When every chart has drawn it
// sets <body data-ready="1">, and on each chart element data-pixels (coloured pixels in the plot
// area, read back from the canvas) and data-rect (the plot area in page CSS pixels): the
// black-box test reads them with Chromium's --dump-dom. On failure: data-ready="error".
"use strict";

(function () {
  /* global uPlot */
  const RUN_COLORS = ["#1c6dd0", "#d9480f"];
  const RUN_DASH = [undefined, [7, 4]];
  const PERCENTILES = [
    { key: "p50Us", label: "p50", color: "#2f9e44" },
    { key: "p90Us", label: "p90", color: "#1c6dd0" },
    { key: "p99Us", label: "p99", color: "#f08c00" },
    { key: "p999Us", label: "p99.9", color: "#e03131" },
    { key: "maxUs", label: "max", color: "#7048e8" },
  ];
  const CHART_HEIGHT = 220;

  const body = document.body;

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
    for (const c of children || []) e.append(c);
    return e;
  }

  function fail(message) {
    body.dataset.ready = "error";
    body.dataset.error = message;
    document.querySelector("main").prepend(el("div", { class: "error" }, [message]));
  }

  // ---- number formats

  function trim(n, digits) {
    return String(Number(n.toPrecision(digits)));
  }
  function fmtUs(v) {
    if (v == null || !isFinite(v)) return "—";
    if (v < 1000) return trim(v, v < 10 ? 2 : 3) + "µs";
    if (v < 1e6) return trim(v / 1000, 3) + "ms";
    return trim(v / 1e6, 3) + "s";
  }
  function fmtCount(v) {
    if (v == null || !isFinite(v)) return "—";
    const a = Math.abs(v);
    if (a >= 1e9) return trim(v / 1e9, 3) + "G";
    if (a >= 1e6) return trim(v / 1e6, 3) + "M";
    if (a >= 1e4) return trim(v / 1e3, 3) + "k";
    return trim(v, 4);
  }
  function fmtExact(v) {
    return v == null || !isFinite(v) ? "—" : Math.round(v).toLocaleString("en-US");
  }
  function fmtPct(v) {
    return v == null || !isFinite(v) ? "—" : trim(v, 4) + "%";
  }
  function fmtBytes(v) {
    if (v == null || !isFinite(v)) return "—";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return trim(v, 3) + " " + units[i];
  }

  // ---- data

  /** The x axis shared by every chart: each second any run has, in order. */
  function secondsAxis(runs) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of runs) {
      for (const s of r.columns.second) {
        if (s < lo) lo = s;
        if (s > hi) hi = s;
      }
    }
    if (lo > hi) return [];
    const xs = [];
    for (let s = lo; s <= hi; s++) xs.push(s);
    return xs;
  }

  /** A run's values on the shared axis (null where the run has no such second). */
  function aligned(xs, run, value) {
    const out = new Array(xs.length).fill(null);
    const first = xs.length ? xs[0] : 0;
    const c = run.columns;
    for (let i = 0; i < c.second.length; i++) {
      const v = value(c, i);
      out[c.second[i] - first] = v == null || !isFinite(v) ? null : v;
    }
    return out;
  }

  /** [from, to] second ranges where any run is warming up. */
  function warmupRanges(runs) {
    const warm = new Set();
    for (const r of runs) r.columns.second.forEach((s, i) => r.columns.warmup[i] && warm.add(s));
    const seconds = [...warm].sort((a, b) => a - b);
    const ranges = [];
    for (const s of seconds) {
      const last = ranges[ranges.length - 1];
      if (last && s === last[1] + 1) last[1] = s;
      else ranges.push([s, s]);
    }
    return ranges;
  }

  // ---- charts

  function drawWarmup(ranges) {
    return (u) => {
      if (ranges.length === 0) return;
      const { left, top, width, height } = u.bbox;
      const ctx = u.ctx;
      ctx.save();
      ctx.fillStyle = "rgba(255, 160, 0, 0.16)";
      ctx.strokeStyle = "rgba(255, 160, 0, 0.55)";
      ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, "DejaVu Sans", sans-serif`;
      ctx.textBaseline = "top";
      for (const [a, b] of ranges) {
        const x0 = Math.max(left, u.valToPos(a - 0.5, "x", true));
        const x1 = Math.min(left + width, u.valToPos(b + 0.5, "x", true));
        if (!(x1 > x0)) continue;
        ctx.fillRect(x0, top, x1 - x0, height);
        ctx.beginPath();
        ctx.moveTo(Math.round(x1) + 0.5, top);
        ctx.lineTo(Math.round(x1) + 0.5, top + height);
        ctx.stroke();
        ctx.fillStyle = "rgba(150, 90, 0, 0.9)";
        ctx.fillText("warm-up", x0 + 4 * devicePixelRatio, top + 3 * devicePixelRatio);
        ctx.fillStyle = "rgba(255, 160, 0, 0.16)";
      }
      ctx.restore();
    };
  }

  /** Coloured (saturated, opaque) pixels in the plot area: the series, not the grid or shading. */
  function colouredPixels(u) {
    const { left, top, width, height } = u.bbox;
    const w = Math.max(1, Math.round(width));
    const h = Math.max(1, Math.round(height));
    const data = u.ctx.getImageData(Math.round(left), Math.round(top), w, h).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 128) continue;
      const r = data[i];
      const g = data[i + 1];
      const b = data[i + 2];
      if (Math.max(r, g, b) - Math.min(r, g, b) >= 60) n++;
    }
    return n;
  }

  function decades(u, splits) {
    return splits.map((v) => (v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? v : null));
  }

  const charts = [];
  let drawn = 0;

  function markReady() {
    for (const c of charts) {
      const r = c.u.over.getBoundingClientRect();
      c.box.dataset.rect = [r.left + scrollX, r.top + scrollY, r.width, r.height].map((v) => Math.round(v)).join(",");
    }
    body.dataset.charts = String(charts.length);
    body.dataset.ready = "1";
  }

  /** The chart's box, registered before any chart is drawn so readiness waits for all of them. */
  function addChartBox(container, spec) {
    const box = el("div", { class: "chart", id: "chart-" + spec.id, "data-chart": spec.id }, [el("h2", null, [spec.title])]);
    container.append(box);
    const entry = { box, spec, u: null, first: true };
    charts.push(entry);
    return entry;
  }

  function drawChart(entry, xs, ranges) {
    const { box, spec } = entry;
    const opts = {
      width: Math.max(300, box.clientWidth),
      height: CHART_HEIGHT,
      cursor: { sync: { key: "crucible" } },
      scales: {
        x: { time: false },
        y: spec.log ? { distr: 3, log: 10 } : { range: spec.range || ((u, min, max) => [Math.min(0, min), max > 0 ? max * 1.08 : 1]) },
      },
      axes: [
        { incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400], values: (u, splits) => splits.map((v) => v + "s"), size: 32 },
        {
          values: (u, splits) => splits.map((v) => (v == null ? "" : spec.fmt(v))),
          size: 58,
          // Log scale: grid lines, ticks and labels at powers of ten only (the 2-9 lines crowd it).
          filter: spec.log ? decades : undefined,
          grid: spec.log ? { filter: decades } : undefined,
          ticks: spec.log ? { filter: decades } : undefined,
        },
      ],
      series: [
        { label: "second", value: (u, v) => (v == null ? "—" : v + " s") },
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          dash: s.dash,
          width: s.width || 1.5,
          spanGaps: false,
          points: { show: xs.length <= 40, size: 4 },
          value: (u, v) => spec.fmt(v),
        })),
      ],
      hooks: {
        drawClear: [drawWarmup(ranges)],
        draw: [
          (u) => {
            entry.u = u;
            box.dataset.pixels = String(colouredPixels(u));
            if (entry.first) {
              entry.first = false;
              if (++drawn === charts.length) markReady();
            }
          },
        ],
      },
    };
    entry.u = new uPlot(opts, [xs, ...spec.series.map((s) => s.values)], box);
  }

  function chartSpecs(runs, xs) {
    const two = runs.length > 1;
    const tag = (r, what) => (two ? r.label + " " : "") + what;
    const perRun = (value, what) =>
      runs.map((r, i) => ({ label: tag(r, what), color: RUN_COLORS[i], dash: RUN_DASH[i], values: aligned(xs, r, value) }));
    const latency = [];
    runs.forEach((r, i) => {
      for (const p of PERCENTILES) {
        // Log scale: 0 (no responses that second) is a gap.
        latency.push({ label: tag(r, p.label), color: p.color, dash: RUN_DASH[i], values: aligned(xs, r, (c, j) => (c[p.key][j] > 0 ? c[p.key][j] : null)) });
      }
    });
    const connections = [];
    runs.forEach((r, i) => {
      connections.push({ label: tag(r, "open"), color: RUN_COLORS[i], dash: RUN_DASH[i], values: aligned(xs, r, (c, j) => c.connectionsOpen[j]) });
      connections.push({ label: tag(r, "connect failures"), color: i ? "#c2255c" : "#862e9c", dash: RUN_DASH[i], width: 1, values: aligned(xs, r, (c, j) => c.connectFailures[j]) });
    });
    return [
      { id: "throughput", title: "Throughput (requests/s)", fmt: fmtCount, series: perRun((c, i) => c.throughputRps[i], "req/s") },
      { id: "latency", title: "Latency percentiles (log scale)", fmt: fmtUs, log: true, series: latency },
      {
        id: "hitrate",
        title: "Hit rate (%)",
        fmt: fmtPct,
        range: (u, min, max) => [min == null ? 0 : Math.max(0, Math.floor(min - 5)), 100],
        series: perRun((c, i) => (c.hits[i] + c.misses[i] > 0 ? (100 * c.hits[i]) / (c.hits[i] + c.misses[i]) : null), "hit rate"),
      },
      { id: "errors", title: "Errors per second", fmt: fmtCount, series: perRun((c, i) => c.errors[i], "errors") },
      { id: "connections", title: "Connections", fmt: fmtCount, series: connections },
    ];
  }

  // ---- summary and configuration

  function measured(run) {
    const c = run.columns;
    let warm = 0;
    let sent = 0;
    let received = 0;
    let peak = 0;
    let connectFailures = 0;
    for (let i = 0; i < c.second.length; i++) {
      if (c.warmup[i]) {
        warm++;
        continue;
      }
      sent += c.bytesSent[i];
      received += c.bytesReceived[i];
      connectFailures += c.connectFailures[i];
      if (c.connectionsOpen[i] > peak) peak = c.connectionsOpen[i];
    }
    const start = c.timestampMs.length ? new Date(c.timestampMs[0] - 1000).toISOString().replace(".000Z", "Z") : null;
    return { warm, sent, received, peak, connectFailures, start };
  }

  function renderSummary(runs) {
    const m = runs.map(measured);
    const s = runs.map((r) => r.summary);
    // [label, value per run (number or string), format, better: "higher" | "lower" | undefined]
    const rows = [
      ["Started (UTC)", m.map((x) => x.start), (v) => v || "—"],
      ["Measured", s.map((x) => x.durationSecs), (v) => v + " s"],
      ["Warm-up", m.map((x) => x.warm), (v) => v + " s"],
      ["Requests", s.map((x) => x.requests), fmtExact],
      ["Throughput", s.map((x) => x.throughput_rps), (v) => fmtExact(v) + " req/s"],
      ["p50", s.map((x) => x.latency_us.p50), fmtUs],
      ["p90", s.map((x) => x.latency_us.p90), fmtUs],
      ["p99", s.map((x) => x.latency_us.p99), fmtUs],
      ["p99.9", s.map((x) => x.latency_us.p999), fmtUs],
      ["max", s.map((x) => x.latency_us.max), fmtUs],
      ["Errors", s.map((x) => x.errors), fmtExact],
      ...(s.some((x) => typeof x.disconnects === "number") ? [["Disconnects", s.map((x) => (typeof x.disconnects === "number" ? x.disconnects : null)), fmtExact]] : []),
      ["Hit rate", s.map((x) => (x.hit_rate == null ? null : 100 * x.hit_rate)), fmtPct],
      ["Bytes sent", m.map((x) => x.sent), fmtBytes],
      ["Bytes received", m.map((x) => x.received), fmtBytes],
      ["Peak connections", m.map((x) => x.peak), fmtExact],
      ["Connect failures", m.map((x) => x.connectFailures), fmtExact],
    ];
    const two = runs.length > 1;
    const head = el("tr", null, [el("th", null, [""]), ...runs.map((r) => el("th", null, [(two ? r.label + ": " : "") + r.name]))]);
    if (two) head.append(el("th", null, ["B / A"]));
    const table = el("table", { class: "summary", id: "summary-table" }, [el("thead", null, [head])]);
    const tbody = el("tbody");
    for (const [label, values, fmt] of rows) {
      const tr = el("tr", null, [el("td", null, [label]), ...values.map((v) => el("td", null, [fmt(v)]))]);
      if (two) {
        const [a, b] = values;
        const ratio = typeof a === "number" && typeof b === "number" && a !== 0 ? trim(b / a, 3) + "x" : "";
        tr.append(el("td", null, [ratio]));
      }
      tbody.append(tr);
    }
    table.append(tbody);
    document.getElementById("summary").append(table);
  }

  function renderConfigs(runs) {
    const box = document.getElementById("configs");
    for (const r of runs) {
      const text = r.summary.config.trim() ? r.summary.config : "# (no configuration recorded)";
      box.append(el("div", null, [el("h2", null, [(runs.length > 1 ? r.label + ": " : "") + r.name + " — " + r.path]), el("pre", { class: "config" }, [text])]));
    }
  }

  function renderHeader(runs) {
    const box = document.getElementById("runs");
    runs.forEach((r, i) => {
      const swatch = el("span", { class: "swatch", style: `border-top-color: ${RUN_COLORS[i]};${i ? " border-top-style: dashed;" : ""}` });
      box.append(el("span", { class: "run", title: r.path }, [swatch, el("b", null, [runs.length > 1 ? r.label : "run"]), " " + r.name + "  "]));
    });
  }

  async function main() {
    if (typeof uPlot !== "function") return fail("uPlot did not load (/assets/uPlot.iife.min.js)");
    let runs;
    try {
      const res = await fetch("/api/runs");
      if (!res.ok) throw new Error("HTTP " + res.status);
      runs = (await res.json()).runs;
    } catch (e) {
      return fail("cannot load the runs from /api/runs: " + e.message);
    }
    renderHeader(runs);
    const xs = secondsAxis(runs);
    const container = document.getElementById("charts");
    if (xs.length === 0) container.before(el("div", { class: "empty" }, ["These runs have no per-second rows."]));
    const ranges = warmupRanges(runs);
    const specs = chartSpecs(runs, xs);
    const entries = specs.map((spec) => addChartBox(container, spec));
    renderSummary(runs);
    renderConfigs(runs);
    for (const entry of entries) drawChart(entry, xs, ranges);
    let width = innerWidth;
    addEventListener("resize", () => {
      if (innerWidth === width) return;
      width = innerWidth;
      for (const c of charts) c.u.setSize({ width: Math.max(300, c.box.clientWidth), height: CHART_HEIGHT });
    });
  }

  main().catch((e) => fail("the page failed: " + (e && e.message ? e.message : e)));
})();
