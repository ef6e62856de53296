// A strict reader of the Prometheus text exposition format (version 0.0.4), as Prometheus
// and promtool's `check metrics` read it: it throws on any line that is neither a comment
// nor `name{labels} value`, on a sample of a family declared elsewhere, on duplicate series,
// and on histograms whose buckets are not cumulative or disagree with _count.

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Family name → its TYPE ("counter", "gauge", "histogram", ...). */
  types: Map<string, string>;
  help: Map<string, string>;
  samples: PromSample[];
  /** Every sample name (histogram parts included). */
  names: Set<string>;
  /** The value of the sample `name` with exactly these labels (undefined: absent). */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, line: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value ${JSON.stringify(text)} in line: ${line}`);
  return Number(text);
}

/** Labels `{a="x",b="y"}` starting at text[pos] === "{"; returns them and the index after "}". */
function parseLabels(text: string, pos: number, line: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = pos + 1;
  const fail = (why: string): never => {
    throw new Error(`${why} in line: ${line}`);
  };
  while (i < text.length && text[i] !== "}") {
    const eq = text.indexOf("=", i);
    if (eq < 0) fail("label without =");
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) fail(`bad label name ${JSON.stringify(name)}`);
    if (name in labels) fail(`duplicate label ${name}`);
    if (text[eq + 1] !== '"') fail("label value not quoted");
    let value = "";
    let j = eq + 2;
    for (;;) {
      if (j >= text.length) fail("unterminated label value");
      const ch = text[j]!;
      if (ch === "\\") {
        const next = text[j + 1];
        if (next === "\\") value += "\\";
        else if (next === '"') value += '"';
        else if (next === "n") value += "\n";
        else fail("bad escape in label value");
        j += 2;
      } else if (ch === '"') {
        j++;
        break;
      } else {
        value += ch;
        j++;
      }
    }
    labels[name] = value;
    if (text[j] === ",") j++;
    else if (text[j] !== "}") fail("expected , or } after a label");
    i = j;
  }
  if (text[i] !== "}") fail("unterminated labels");
  return { labels, end: i + 1 };
}

function seriesKey(name: string, labels: Record<string, string>): string {
  return name + JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The family a sample belongs to: its own name, or a histogram's/summary's base name. */
function familyOf(name: string, types: Map<string, string>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const t = types.get(base);
      if (t === "histogram" || (t === "summary" && suffix !== "_bucket")) return base;
    }
  }
  return name;
}

/** Parse and check an exposition; throws with the offending line on any problem. */
export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: PromSample[] = [];
  const seen = new Set<string>();
  const finished = new Set<string>();
  let current = "";
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) continue; // a plain comment
      const [, kind, name, rest] = m;
      if (!METRIC_NAME.test(name!)) throw new Error(`bad metric name in line: ${line}`);
      if (kind === "TYPE") {
        if (!TYPES.has(rest!)) throw new Error(`unknown type in line: ${line}`);
        if (types.has(name!)) throw new Error(`second TYPE for ${name}`);
        if (samples.some((s) => familyOf(s.name, new Map([[name!, rest!]])) === name)) throw new Error(`TYPE for ${name} after its samples`);
        types.set(name!, rest!);
      } else {
        if (help.has(name!)) throw new Error(`second HELP for ${name}`);
        help.set(name!, rest!);
      }
      continue;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`not a sample: ${line}`);
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in line: ${line}`);
    let labels: Record<string, string> = {};
    let pos = nameEnd;
    if (line[pos] === "{") ({ labels, end: pos } = parseLabels(line, pos, line));
    if (line[pos] !== " ") throw new Error(`expected a space before the value in line: ${line}`);
    const parts = line.slice(pos + 1).split(" ");
    if (parts.length > 2 || (parts.length === 2 && !/^-?\d+$/.test(parts[1]!))) throw new Error(`bad value or timestamp in line: ${line}`);
    const value = parseValue(parts[0]!, line);
    const key = seriesKey(name, labels);
    if (seen.has(key)) throw new Error(`duplicate series: ${line}`);
    seen.add(key);
    const family = familyOf(name, types);
    if (family !== current) {
      if (finished.has(family)) throw new Error(`samples of ${family} are not together: ${line}`);
      if (current !== "") finished.add(current);
      current = family;
    }
    const type = types.get(family);
    if ((type === "counter" || type === "histogram") && !(value >= 0)) throw new Error(`negative or NaN ${type} value: ${line}`);
    if (type === "histogram" && name.endsWith("_bucket") && labels.le === undefined) throw new Error(`bucket without le: ${line}`);
    samples.push({ name, labels, value });
  }
  checkHistograms(types, samples);
  const names = new Set(samples.map((s) => s.name));
  return {
    types,
    help,
    samples,
    names,
    value(name, want = {}) {
      const key = seriesKey(name, want);
      return samples.find((s) => s.name === name && seriesKey(s.name, s.labels) === key)?.value;
    },
  };
}

function checkHistograms(types: Map<string, string>, samples: PromSample[]): void {
  for (const [family, type] of types) {
    if (type !== "histogram") continue;
    const series = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
    const get = (labels: Record<string, string>) => {
      const { le: _le, ...rest } = labels;
      const key = seriesKey("", rest);
      let s = series.get(key);
      if (!s) series.set(key, (s = { buckets: [] }));
      return s;
    };
    for (const s of samples) {
      if (s.name === `${family}_bucket`) get(s.labels).buckets.push([parseValue(s.labels.le!, `le="${s.labels.le}"`), s.value]);
      else if (s.name === `${family}_sum`) get(s.labels).sum = s.value;
      else if (s.name === `${family}_count`) get(s.labels).count = s.value;
    }
    for (const [key, s] of series) {
      const where = `${family}${key}`;
      if (s.sum === undefined || s.count === undefined) throw new Error(`${where}: _sum or _count missing`);
      if (s.buckets.length === 0 || s.buckets[s.buckets.length - 1]![0] !== Infinity) throw new Error(`${where}: no le="+Inf" bucket last`);
      for (let i = 1; i < s.buckets.length; i++) {
        if (!(s.buckets[i]![0] > s.buckets[i - 1]![0])) throw new Error(`${where}: le not increasing`);
        if (s.buckets[i]![1] < s.buckets[i - 1]![1]) throw new Error(`${where}: buckets not cumulative`);
      }
      if (s.buckets[s.buckets.length - 1]![1] !== s.count) throw new Error(`${where}: +Inf bucket ${s.buckets[s.buckets.length - 1]![1]} != _count ${s.count}`);
    }
  }
}

/**
 * The metric names a PromQL expression reads: identifiers that are not functions,
 * aggregation keywords, label names (inside {} or by/without/on/ignoring lists), durations
 * or Grafana variables.
 */
export function promqlMetricNames(expr: string): string[] {
  let e = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // string literals
    .replace(/\{[^}]*\}/g, "") // label matchers
    .replace(/\[[^\]]*\]/g, "") // range selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "") // label lists
    .replace(/\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?/g, ""); // Grafana variables
  e = e.replace(/\boffset\s+\S+/g, "");
  const keywords = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"]);
  const names = new Set<string>();
  for (const m of e.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const id = m[0];
    const after = e.slice(m.index! + id.length).trimStart();
    if (after.startsWith("(")) continue; // a function or aggregation
    if (keywords.has(id.toLowerCase())) continue;
    const before = e.slice(0, m.index!);
    if (/[0-9.]$/.test(before)) continue; // part of a number such as 1e3
    names.add(id);
  }
  return [...names];
}
