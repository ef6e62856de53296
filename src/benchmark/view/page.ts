// The page's HTML and stylesheet. The script (app.js) fills it from /api/runs.

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5f6b7a; --line: #dde2e8; --bg: #ffffff; --panel: #f7f9fb; }
* { box-sizing: border-box; }
html { overflow-y: scroll; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 18px; padding: 10px 16px 6px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 16px; margin: 0; }
header .run { color: var(--muted); }
header .run b { color: var(--fg); }
header .swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 4px; }
header .warm { display: inline-block; width: 14px; height: 10px; background: rgba(255, 160, 0, 0.25); border: 1px solid rgba(255, 160, 0, 0.6); vertical-align: middle; margin-right: 4px; }
main { padding: 8px 16px 24px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; }
.chart { min-width: 0; }
.chart h2, section h2 { font-size: 13px; margin: 6px 0 2px; }
.chart .u-legend { font-size: 11px; text-align: left; }
.chart .u-legend .u-series > * { padding: 1px 3px; }
.chart .u-legend th { font-weight: 500; }
section { margin-top: 14px; }
table.summary { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.summary th, table.summary td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: right; }
table.summary th:first-child, table.summary td:first-child { text-align: left; color: var(--muted); font-weight: normal; }
.configs { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
pre.config { margin: 0; padding: 8px 10px; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; max-height: 420px; overflow: auto; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; }
.error { margin: 16px; padding: 10px 12px; border: 1px solid #e0a0a0; background: #fff3f3; color: #8a1c1c; border-radius: 4px; }
.empty { color: var(--muted); padding: 40px 0; text-align: center; }
`;

export function pageHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crucible-benchmark · ${escapeHtml(title)}</title>
<link rel="stylesheet" href="/assets/uPlot.min.css">
<style>${CSS}</style>
</head>
<body data-ready="0">
<header><h1>crucible-benchmark</h1><span id="runs"></span><span class="run"><span class="warm"></span>warm-up (not in the summary)</span></header>
<main>
<div class="charts" id="charts"></div>
<section><h2>Summary</h2><div id="summary"></div></section>
<section><h2>Configuration</h2><div class="configs" id="configs"></div></section>
</main>
<script src="/assets/uPlot.iife.min.js"></script>
<script src="/app.js"></script>
</body>
</html>
`;
}
