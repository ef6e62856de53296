import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient, resp } from "../helpers/raw.ts";
import { startServer, waitFor, type TestServer } from "../helpers/server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    set: ["server.proto_max_bulk_len=3MB", "server.client_query_buffer_limit=4MB", "cache.max_value_size=2MB"],
  });
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

/** After an error path: the server is alive and what was stored is still there. */
async function expectIntact(key: string, value: string): Promise<void> {
  const c = await RawClient.connect(server.port);
  expect(await c.call("GET", key)).toBe(value);
  c.close();
}

describe("framing", () => {
  test("a pipeline in one write gets every reply, in order", async () => {
    const c = await RawClient.connect(server.port);
    const frames: Uint8Array[] = [];
    let expected = "";
    for (let i = 0; i < 200; i++) {
      frames.push(resp("SET", `p:${i}`, `v${i}`), resp("GET", `p:${i}`));
      expected += `+OK\r\n$${`v${i}`.length}\r\nv${i}\r\n`;
    }
    c.write(Buffer.concat(frames));
    expect(await c.expect(expected)).toBe(expected);
    c.close();
  });

  for (const [ending, last] of [["QUIT", "+OK\r\n"], ["a protocol error", "-ERR Protocol error: invalid multibulk length\r\n"]] as const) {
    test(`a big pipeline ending in ${ending} gets every reply before the close`, async () => {
      const c = await RawClient.connect(server.port);
      const value = "x".repeat(1000);
      const frames: Uint8Array[] = [];
      for (let i = 0; i < 2000; i++) frames.push(resp("SET", `bp:${i}`, value));
      frames.push(ending === "QUIT" ? resp("QUIT") : new TextEncoder().encode("*x\r\n"));
      c.write(Buffer.concat(frames));
      const expected = "+OK\r\n".repeat(2000) + last;
      expect(await c.expect(expected)).toBe(expected);
      expect(await c.waitClosed()).toBe(true);
    });
  }

  test("frames split at every byte still parse", async () => {
    const c = await RawClient.connect(server.port);
    const frame = Buffer.concat([resp("SET", "split", "a\r\nb"), resp("GET", "split")]);
    for (let i = 0; i < frame.length; i++) {
      c.write(frame.subarray(i, i + 1));
      if (i % 7 === 0) await Bun.sleep(1);
    }
    expect(await c.expect("+OK\r\n$4\r\na\r\nb\r\n")).toBe("+OK\r\n$4\r\na\r\nb\r\n");
    c.close();
  });

  test("a 1.5 MB value arriving in pieces is stored whole", async () => {
    const c = await RawClient.connect(server.port);
    const value = new Uint8Array(1_500_000);
    for (let i = 0; i < value.length; i++) value[i] = i % 251;
    const frame = resp("SET", "big", value);
    for (let off = 0; off < frame.length; off += 65536) {
      c.write(frame.subarray(off, off + 65536));
      await Bun.sleep(1);
    }
    expect(await c.expect("+OK\r\n")).toBe("+OK\r\n");
    c.write(resp("STRLEN", "big"));
    expect(await c.expect(":1500000\r\n")).toBe(":1500000\r\n");
    c.write(resp("GET", "big"));
    const header = "$1500000\r\n";
    expect(await c.read(header.length)).toBe(header);
    const body = await c.readBytes(value.length + 2);
    expect(Buffer.from(body.subarray(0, value.length)).equals(Buffer.from(value))).toBe(true);
    c.close();
  });

  test("binary keys and values round-trip", async () => {
    const c = await RawClient.connect(server.port);
    const key = new Uint8Array(256).map((_, i) => i);
    const val = new Uint8Array([0, 13, 10, 255, 36, 42]);
    c.write(resp("SET", key, val));
    expect(await c.expect("+OK\r\n")).toBe("+OK\r\n");
    c.write(resp("GET", key));
    expect(await c.read(4)).toBe("$6\r\n");
    expect([...(await c.readBytes(8))]).toEqual([...val, 13, 10]);
    c.close();
  });

  test("inline commands, with quotes and escapes", async () => {
    const c = await RawClient.connect(server.port);
    c.write("PING\r\n");
    expect(await c.expect("+PONG\r\n")).toBe("+PONG\r\n");
    c.write('SET inline "hello world\\x21"\n');
    expect(await c.expect("+OK\r\n")).toBe("+OK\r\n");
    c.write("GET inline\r\n");
    expect(await c.expect("$12\r\nhello world!\r\n")).toBe("$12\r\nhello world!\r\n");
    c.write("\r\n\r\nPING\r\n");
    expect(await c.expect("+PONG\r\n")).toBe("+PONG\r\n");
    c.close();
  });
});

describe("protocol errors close the connection and lose nothing", () => {
  beforeAll(async () => {
    const c = await RawClient.connect(server.port);
    expect(await c.call("SET", "survivor", "still-here")).toBe("OK");
    c.close();
  });

  const cases: [string, string | Uint8Array, string][] = [
    ["invalid multibulk length", "*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
    ["multibulk count over the limit", "*1048577\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
    ["expected '$'", "*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'\r\n"],
    ["invalid bulk length", "*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
    ["negative bulk length", "*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
    ["bulk over proto-max-bulk-len", "*2\r\n$3\r\nSET\r\n$4000000\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
    ["unbalanced quotes", 'SET a "oops\r\n', "-ERR Protocol error: unbalanced quotes in request\r\n"],
  ];
  for (const [name, input, reply] of cases) {
    test(name, async () => {
      const c = await RawClient.connect(server.port);
      c.write(input);
      expect(await c.expect(reply)).toBe(reply);
      expect(await c.waitClosed()).toBe(true);
      await expectIntact("survivor", "still-here");
    });
  }

  test("bytes after bulk data are skipped unchecked, as Redis does", async () => {
    const c = await RawClient.connect(server.port);
    c.write("*1\r\n$4\r\nPINGxx");
    expect(await c.expect("+PONG\r\n")).toBe("+PONG\r\n");
    expect(await c.call("GET", "survivor")).toBe("still-here");
    c.close();
  });

  test("a header line without CRLF is refused once it passes the inline limit", async () => {
    const c = await RawClient.connect(server.port);
    c.write("*1\r\n$" + "1".repeat(70 * 1024));
    const reply = "-ERR Protocol error: too big bulk count string\r\n";
    expect(await c.expect(reply)).toBe(reply);
    expect(await c.waitClosed()).toBe(true);
    await expectIntact("survivor", "still-here");
  });

  test("an inline request over 64 KiB without a newline", async () => {
    const c = await RawClient.connect(server.port);
    c.write("A".repeat(70 * 1024));
    const reply = "-ERR Protocol error: too big inline request\r\n";
    expect(await c.expect(reply)).toBe(reply);
    expect(await c.waitClosed()).toBe(true);
    await expectIntact("survivor", "still-here");
  });

  test("a value over max_value_size is refused and the client stays", async () => {
    const c = await RawClient.connect(server.port);
    const reply = await c.call("SET", "huge", new Uint8Array(2 * 1024 * 1024 + 10));
    expect(reply).toMatchObject({ error: expect.stringMatching(/^ERR /) });
    expect(await c.call("PING")).toBe("PONG");
    c.close();
  });

  test("the query buffer limit closes a client whose unfinished frame grows past it", async () => {
    const c = await RawClient.connect(server.port);
    // Each bulk is within proto-max-bulk-len (3 MB), but the frame never completes and the
    // buffered total passes client_query_buffer_limit (4 MB).
    c.write("*4\r\n$3\r\nSET\r\n$1\r\nq\r\n$2000000\r\n");
    c.write(new Uint8Array(2_000_000));
    c.write("\r\n$2000000\r\n");
    c.write(new Uint8Array(2_000_000));
    c.write("\r\n$2000000\r\n");
    c.write(new Uint8Array(1_000_000));
    await waitFor(() => c.closed, 5000, "the over-limit client to be closed");
    await expectIntact("survivor", "still-here");
  });
});
