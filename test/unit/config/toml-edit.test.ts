import { describe, expect, test } from "bun:test";
import { parse } from "smol-toml";
import { editToml, tomlScalar } from "../../../src/config/toml-edit.ts";

const FILE = `# Crucible config
# hand written

io_engine = "bun"   # top-level

[cache]
heap_size = "64MB"   # small on purpose
eviction = "s3fifo"

[[listener]]
protocol = "resp"
address = "127.0.0.1:6379"

[[listener]]
protocol = "memcache"
address = "127.0.0.1:11211"

# limits
[server]
  maxclients = 100 # keep low
  timeout = 0

# the end
`;

describe("editToml", () => {
  test("replaces a value in place, keeping indentation, spacing and the comment", () => {
    const out = editToml(FILE, [{ section: "server", key: "maxclients", value: "200" }]);
    expect(out).toBe(FILE.replace("  maxclients = 100 # keep low", "  maxclients = 200 # keep low"));
  });

  test("a string value and its trailing comment", () => {
    const out = editToml(FILE, [{ section: "cache", key: "heap_size", value: '"128MB"' }]);
    expect(out).toBe(FILE.replace('heap_size = "64MB"   # small', 'heap_size = "128MB"   # small'));
  });

  test("a missing key goes after the last key of its table, indented like it", () => {
    const out = editToml(FILE, [{ section: "server", key: "tcp_keepalive", value: "60" }]);
    expect(out).toBe(FILE.replace("  timeout = 0\n", "  timeout = 0\n  tcp_keepalive = 60\n"));
    expect(parse(out)).toMatchObject({ server: { maxclients: 100, timeout: 0, tcp_keepalive: 60 } });
  });

  test("a missing table is added at the end", () => {
    const out = editToml(FILE, [
      { section: "logging", key: "level", value: '"warn"' },
      { section: "logging", key: "file", value: '"/tmp/x.log"' },
    ]);
    expect(out).toBe(FILE + '\n[logging]\nlevel = "warn"\nfile = "/tmp/x.log"\n');
    expect(parse(out)).toMatchObject({ logging: { level: "warn", file: "/tmp/x.log" } });
  });

  test("an array table's keys are never touched", () => {
    expect(() => editToml(FILE, [{ section: "listener", key: "address", value: '"0.0.0.0:1"' }])).toThrow(/array of tables/);
  });

  test("an unchanged value (same says so) leaves the file byte for byte", () => {
    const out = editToml(FILE, [{ section: "cache", key: "heap_size", value: "67108864", same: (raw) => raw === '"64MB"' }]);
    expect(out).toBe(FILE);
  });

  test("top-level keys, dotted keys and an empty file", () => {
    expect(editToml(FILE, [{ section: "", key: "io_engine", value: '"uring"' }])).toBe(FILE.replace('io_engine = "bun"', 'io_engine = "uring"'));
    const dotted = "server.maxclients = 5\ncache.heap_size = \"1GB\"\n";
    expect(editToml(dotted, [{ section: "server", key: "timeout", value: "9" }])).toBe("server.maxclients = 5\nserver.timeout = 9\ncache.heap_size = \"1GB\"\n");
    expect(editToml(dotted, [{ section: "server", key: "maxclients", value: "6" }])).toBe("server.maxclients = 6\ncache.heap_size = \"1GB\"\n");
    expect(editToml("", [{ section: "server", key: "maxclients", value: "7" }])).toBe("[server]\nmaxclients = 7\n");
    expect(editToml("", [])).toBe("");
  });

  test("CRLF files stay CRLF; a file without a final newline keeps none when only values change", () => {
    const crlf = "[server]\r\nmaxclients = 1\r\n";
    expect(editToml(crlf, [{ section: "server", key: "maxclients", value: "2" }])).toBe("[server]\r\nmaxclients = 2\r\n");
    expect(editToml(crlf, [{ section: "server", key: "timeout", value: "3" }])).toBe("[server]\r\nmaxclients = 1\r\ntimeout = 3\r\n");
    expect(editToml("[server]\nmaxclients = 1", [{ section: "server", key: "maxclients", value: "2" }])).toBe("[server]\nmaxclients = 2");
  });

  test("multi-line values, strings with # and quoted keys are read right", () => {
    const text = [
      "[server]",
      'notes = """',
      "maxclients = 99",
      '"""',
      "tags = [",
      '  "a#b", # comment',
      "  'c]',",
      "]",
      '"maxclients" = 10 # quoted key',
      'notify_keyspace_events = "K#E" # hash inside',
      "",
    ].join("\n");
    const out = editToml(text, [
      { section: "server", key: "maxclients", value: "11" },
      { section: "server", key: "notify_keyspace_events", value: '"AKE"' },
      { section: "server", key: "timeout", value: "5" },
    ]);
    expect(out).toBe(
      text
        .replace('"maxclients" = 10 #', '"maxclients" = 11 #')
        .replace('notify_keyspace_events = "K#E" # hash inside', 'notify_keyspace_events = "AKE" # hash inside\ntimeout = 5'),
    );
    expect(parse(out)).toMatchObject({ server: { maxclients: 11, notify_keyspace_events: "AKE", timeout: 5 } });
  });

  test("a multi-line value that changes is collapsed onto its first line", () => {
    const text = "[server]\nlist = [\n  1,\n  2,\n] # end\nx = 1\n";
    expect(editToml(text, [{ section: "server", key: "list", value: "[3]" }])).toBe("[server]\nlist = [3] # end\nx = 1\n");
  });

  test("keys of sub-tables and of the top level are told apart from a table's", () => {
    const text = "maxclients = 1\n[server.limits]\nmaxclients = 2\n[server]\nmaxclients = 3\n";
    expect(editToml(text, [{ section: "server", key: "maxclients", value: "4" }])).toBe(text.replace("maxclients = 3", "maxclients = 4"));
    expect(editToml(text, [{ section: "", key: "maxclients", value: "5" }])).toBe(text.replace("maxclients = 1", "maxclients = 5"));
  });

  test("a section kept as an inline table cannot take a new key", () => {
    expect(() => editToml('server = { maxclients = 5 }\n', [{ section: "server", key: "timeout", value: "1" }])).toThrow(/inline table/);
  });
});

describe("tomlScalar", () => {
  test("reads the scalars CONFIG REWRITE compares", () => {
    expect(tomlScalar('"64MB"')).toBe("64MB");
    expect(tomlScalar("'raw\\n'")).toBe("raw\\n");
    expect(tomlScalar('"a\\"b"')).toBe('a"b');
    expect(tomlScalar("1_000")).toBe(1000);
    expect(tomlScalar("+5")).toBe(5);
    expect(tomlScalar("-1")).toBe(-1);
    expect(tomlScalar("true")).toBe(true);
    expect(tomlScalar("false")).toBe(false);
    expect(tomlScalar("[1, 2]")).toBeUndefined();
    expect(tomlScalar("0x10")).toBeUndefined();
  });
});
