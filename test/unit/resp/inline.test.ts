import { describe, expect, test } from "bun:test";
import { RespParser } from "../../../src/protocol/resp/index.ts";
import { argvOf, bytes, parseAll } from "./helpers.ts";

// [line, arguments] as sdssplitargs splits them; each checked against redis-server 7.0.15
// with ECHO or an unknown command that quotes its arguments back.
const CASES: [string, string[]][] = [
  ["PING\r\n", ["PING"]],
  ["PING\n", ["PING"]],
  ["SET k v\r\n", ["SET", "k", "v"]],
  ["  SET   k  v  \r\n", ["SET", "k", "v"]],
  ["ECHO\tx\r\n", ["ECHO", "x"]],
  ["ECHO \x0bx\r\n", ["ECHO", "x"]], // \v is skipped between arguments...
  ["ECHO x\x0by\r\n", ["ECHO", "x\x0by"]], // ...but does not end one
  ["ECHO\x0c x\r\n", ["ECHO\x0c", "x"]],
  ["ECHO x\r\r\n", ["ECHO", "x"]],
  ["ECHO x \r\n", ["ECHO", "x"]],
  [`ECHO "a b"\r\n`, ["ECHO", "a b"]],
  [`ECHO 'a b'\r\n`, ["ECHO", "a b"]],
  [`ECHO ""\r\n`, ["ECHO", ""]],
  [`ECHO ''\r\n`, ["ECHO", ""]],
  [`ECHO "\\x41"\r\n`, ["ECHO", "A"]],
  [`ECHO "\\x41\\n\\q"\r\n`, ["ECHO", "A\nq"]],
  [`ECHO "\\xFf\\t\\b\\a\\r"\r\n`, ["ECHO", "\xff\t\b\x07\r"]],
  [`ECHO "a\\x4g"\r\n`, ["ECHO", "ax4g"]],
  [`ECHO "\\x"\r\n`, ["ECHO", "x"]],
  [`ECHO "a\\"b"\r\n`, ["ECHO", 'a"b']],
  [`ECHO 'it\\'s'\r\n`, ["ECHO", "it's"]],
  [`ECHO 'a\\nb'\r\n`, ["ECHO", "a\\nb"]], // no escapes but \' in single quotes
  [`ECHO a'b'\r\n`, ["ECHO", "ab"]],
  [`ECHO a"b c"\r\n`, ["ECHO", "ab c"]],
  [`ECHO "a"\x0b\r\n`, ["ECHO", "a"]],
  [`SET "q k" 'v w' plain\r\n`, ["SET", "q k", "v w", "plain"]],
  ["ECHO \xc3\xa9\r\n", ["ECHO", "\xc3\xa9"]],
  // A NUL ends the C string sdssplitargs sees; the rest of the line is dropped.
  ["ECHO ab\x00cd ef\r\n", ["ECHO", "ab"]],
  [`ECHO "ab\x00cd"\r\n`, []],
];

describe("inline commands", () => {
  test.each(CASES.filter((c) => c[1].length > 0))("%j", (line, args) => {
    const r = parseAll(line);
    expect(r.events).toEqual([args]);
    expect(r.pending).toBe(0);
  });

  test("a quote left open by a NUL is unbalanced", () => {
    expect(parseAll(`ECHO "ab\x00cd"\r\n`).events).toEqual([{ error: "ERR Protocol error: unbalanced quotes in request" }]);
  });

  test("empty and blank lines are consumed with argc 0", () => {
    const p = new RespParser({ maxBulkBytes: 1024 });
    for (const s of ["\r\n", "\n", "   \r\n", "\t\x0b\x0c\r\n", "\x00junk\n"]) {
      const b = bytes(s);
      expect(p.parse(b, 0, b.length)).toBe(b.length);
      expect(p.argc).toBe(0);
    }
  });

  test("unquoted arguments point into the input; quoted ones into the scratch buffer", () => {
    const p = new RespParser({ maxBulkBytes: 1024 });
    const plain = bytes("SET k v\r\n");
    expect(p.parse(plain, 0, plain.length)).toBe(plain.length);
    expect(p.buf).toBe(plain);
    expect(p.off[1]).toBe(4);
    const quoted = bytes(`SET "k\\x41" v\r\n`);
    expect(p.parse(quoted, 0, quoted.length)).toBe(quoted.length);
    expect(p.buf).not.toBe(quoted);
    expect(argvOf(p)).toEqual(["SET", "kA", "v"]);
  });

  test("the scratch buffer grows for long quoted lines", () => {
    const long = "x".repeat(5000);
    expect(parseAll(`SET k "${long}"\r\n`).events).toEqual([["SET", "k", long]]);
  });

  test("an inline command without its newline waits", () => {
    const p = new RespParser({ maxBulkBytes: 1024 });
    const b = bytes("SET k v");
    expect(p.parse(b, 0, b.length)).toBe(0);
    expect(p.needBytes).toBe(0);
  });

  test("inline and multibulk commands mix in one pipeline", () => {
    expect(parseAll("PING\r\n*1\r\n$4\r\nPING\r\nECHO 'x y'\n").events).toEqual([["PING"], ["PING"], ["ECHO", "x y"]]);
  });
});
