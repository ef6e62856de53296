// The diagnostics bundle's redaction and reply formatting (src/cli/diagnostics.ts).
import { describe, expect, test } from "bun:test";
import { isSecretKey, redactConfigGet, redactToml, replyText } from "../../../src/cli/diagnostics.ts";

describe("redaction", () => {
  test("secret-looking keys and every key of [tls], [auth] and [acl] tables", () => {
    const text = [
      "# requirepass is set below",
      "[server]",
      "maxclients = 100",
      'requirepass = "hunter2"',
      "masterauth='s3cret'",
      "",
      "[tls]",
      'cert_file = "/etc/crucible/server.pem"',
      "port = 6380",
      "",
      "[[listener]]",
      'address = "127.0.0.1:6379"',
      'server.password = "dotted"',
      'api_token = """',
      "multi",
      'line"""',
      "after = 1",
    ].join("\n");
    expect(redactToml(text)).toBe(
      [
        "# requirepass is set below",
        "[server]",
        "maxclients = 100",
        'requirepass = "[redacted]"',
        'masterauth="[redacted]"',
        "",
        "[tls]",
        'cert_file = "[redacted]"',
        'port = "[redacted]"',
        "",
        "[[listener]]",
        'address = "127.0.0.1:6379"',
        'server.password = "[redacted]"',
        'api_token = "[redacted]"',
        "after = 1",
      ].join("\n"),
    );
  });

  test("CONFIG GET pairs", () => {
    expect(redactConfigGet(["maxclients", "100", "requirepass", "hunter2", "tls-key-file", "/k.pem", "save", ""])).toBe(
      "maxclients 100\nrequirepass [redacted]\ntls-key-file [redacted]\nsave \n",
    );
    expect(redactConfigGet({ error: "ERR unknown command" })).toBe("(error) ERR unknown command\n");
    expect(isSecretKey("loglevel")).toBe(false);
    expect(isSecretKey("notify-keyspace-events")).toBe(false);
  });
});

describe("replies as redis-cli shows them", () => {
  test("nested arrays, integers, nil and errors", () => {
    expect(replyText([[1, 1700000000, 12, ["SET", "k", "v"], "127.0.0.1:1", ""], []])).toBe(
      ["1) ", "   1) (integer) 1", "   2) (integer) 1700000000", "   3) (integer) 12", "   4) ", "      1) SET", "      2) k", "      3) v", "   5) 127.0.0.1:1", "   6) ", "2) (empty array)"].join("\n"),
    );
    expect(replyText(null)).toBe("(nil)");
    expect(replyText({ error: "ERR unknown command 'SLOWLOG'" })).toBe("(error) ERR unknown command 'SLOWLOG'");
  });
});
