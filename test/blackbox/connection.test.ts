import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient, resp, type RespValue } from "../helpers/raw.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let c: RawClient;

beforeAll(async () => {
  server = await startServer();
  c = await RawClient.connect(server.port);
});
afterAll(async () => {
  c?.close();
  expect(await server.stop()).toBe(0);
});

async function roundTrip(expected: string, ...args: string[]): Promise<void> {
  c.write(resp(...args));
  expect(await c.expect(expected)).toBe(expected);
}

describe("connection commands", () => {
  test("PING and ECHO", async () => {
    await roundTrip("+PONG\r\n", "PING");
    await roundTrip("$5\r\nhello\r\n", "PING", "hello");
    await roundTrip("$3\r\na\nb\r\n", "ECHO", "a\nb");
    await roundTrip("-ERR wrong number of arguments for 'ping' command\r\n", "PING", "a", "b");
    await roundTrip("-ERR wrong number of arguments for 'echo' command\r\n", "ECHO");
  });

  test("unknown commands and subcommands", async () => {
    await roundTrip("-ERR unknown command 'NOPE', with args beginning with: 'a' 'b' \r\n", "NOPE", "a", "b");
    await roundTrip("-ERR unknown subcommand 'bogus'. Try CLIENT HELP.\r\n", "CLIENT", "bogus");
    await roundTrip("-ERR wrong number of arguments for 'client' command\r\n", "CLIENT");
    await roundTrip("-ERR wrong number of arguments for 'client|setname' command\r\n", "CLIENT", "SETNAME");
  });

  test("SELECT bounds", async () => {
    await roundTrip("+OK\r\n", "SELECT", "15");
    await roundTrip("-ERR DB index is out of range\r\n", "SELECT", "16");
    await roundTrip("-ERR value is not an integer or out of range\r\n", "SELECT", "x");
    await roundTrip("+OK\r\n", "SELECT", "0");
  });

  test("CLIENT SETNAME/GETNAME/ID/INFO/LIST", async () => {
    await roundTrip("$-1\r\n", "CLIENT", "GETNAME");
    await roundTrip("+OK\r\n", "CLIENT", "SETNAME", "worker-1");
    await roundTrip("$8\r\nworker-1\r\n", "CLIENT", "GETNAME");
    await roundTrip("-ERR Client names cannot contain spaces, newlines or special characters.\r\n", "CLIENT", "SETNAME", "a b");
    const id = await c.call("CLIENT", "ID");
    expect(typeof id).toBe("number");
    const list = (await c.call("CLIENT", "LIST")) as string;
    expect(list).toContain(`id=${id} `);
    expect(list).toContain("name=worker-1");
    expect(list).toContain("cmd=client|list");
    expect(list).toMatch(/id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ /);
    expect(await c.call("CLIENT", "LIST", "ID", String(id))).toContain("name=worker-1");
    // As Redis 7.0.15: an id no client has (0 included) matches nothing; a non-integer is an error.
    expect(await c.call("CLIENT", "LIST", "ID", "0")).toBe("");
    expect(await c.call("CLIENT", "LIST", "ID", "x")).toEqual({ error: "ERR Invalid client ID" });
    expect(await c.call("CLIENT", "INFO")).toContain(`id=${id} `);
  });

  test("HELLO switches to RESP3 and reports the server", async () => {
    const d = await RawClient.connect(server.port);
    const hello = (await d.call("HELLO", "3", "SETNAME", "r3")) as Map<RespValue, RespValue>;
    expect(hello).toBeInstanceOf(Map);
    expect(hello.get("proto")).toBe(3);
    expect(hello.get("version")).toBe("7.0.0");
    expect(hello.get("server")).toBe("redis");
    expect(typeof hello.get("id")).toBe("number");
    expect(await d.call("CLIENT", "GETNAME")).toBe("r3");
    d.write(resp("GET", "missing-key"));
    expect(await d.expect("_\r\n")).toBe("_\r\n");
    expect(await d.call("HELLO", "03")).toEqual({ error: "ERR Protocol version is not an integer or out of range" });
    d.write(resp("HELLO", "4"));
    expect(await d.expect("-NOPROTO unsupported protocol version\r\n")).toBe("-NOPROTO unsupported protocol version\r\n");
    d.write(resp("HELLO", "3", "AUTH", "nobody", "pw"));
    const wrongpass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    expect(await d.expect(wrongpass)).toBe(wrongpass);
    d.write(resp("RESET"));
    expect(await d.expect("+RESET\r\n")).toBe("+RESET\r\n");
    d.write(resp("GET", "missing-key"));
    expect(await d.expect("$-1\r\n")).toBe("$-1\r\n");
    d.close();
  });

  test("QUIT replies OK and closes", async () => {
    const d = await RawClient.connect(server.port);
    d.write(resp("QUIT"));
    expect(await d.expect("+OK\r\n")).toBe("+OK\r\n");
    expect(await d.waitClosed()).toBe(true);
  });

  test("AUTH without a configured password", async () => {
    await roundTrip("-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n", "AUTH", "pw");
    await roundTrip("+OK\r\n", "AUTH", "default", "anything");
  });
});

describe("server commands", () => {
  test("DBSIZE, FLUSHDB, FLUSHALL", async () => {
    await roundTrip("+OK\r\n", "SET", "k1", "v");
    await roundTrip("+OK\r\n", "SELECT", "1");
    await roundTrip("+OK\r\n", "SET", "k2", "v");
    await roundTrip(":1\r\n", "DBSIZE");
    await roundTrip("+OK\r\n", "FLUSHDB");
    await roundTrip(":0\r\n", "DBSIZE");
    await roundTrip("+OK\r\n", "SELECT", "0");
    await roundTrip(":1\r\n", "DBSIZE");
    await roundTrip("-ERR syntax error\r\n", "FLUSHALL", "LATER");
    await roundTrip("+OK\r\n", "FLUSHALL", "ASYNC");
    await roundTrip(":0\r\n", "DBSIZE");
  });

  test("CONFIG GET/SET", async () => {
    expect(await c.call("CONFIG", "GET", "maxclients")).toEqual(["maxclients", "10000"]);
    expect(await c.call("CONFIG", "SET", "maxclients", "500")).toBe("OK");
    expect(await c.call("CONFIG", "GET", "maxclients")).toEqual(["maxclients", "500"]);
    expect(await c.call("CONFIG", "SET", "maxclients", "lots")).toEqual({ error: "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer" });
    expect(await c.call("CONFIG", "SET", "maxmemory", "1gb")).toEqual({ error: "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - can't set immutable config" });
    expect(await c.call("CONFIG", "SET", "nonsense", "1")).toEqual({ error: "ERR Unknown option or number of arguments for CONFIG SET - 'nonsense'" });
    expect(await c.call("CONFIG", "SET", "client-query-buffer-limit", "100gb")).toEqual({
      error: "ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - argument must be between 1048576 and 4294967296 inclusive",
    });
    expect(await c.call("CONFIG", "SET", "constructor", "1")).toEqual({ error: "ERR Unknown option or number of arguments for CONFIG SET - 'constructor'" });
    // All or nothing: a bad second pair leaves the first unchanged.
    expect(await c.call("CONFIG", "SET", "timeout", "7", "maxclients", "-1")).toMatchObject({ error: expect.stringContaining("maxclients") });
    expect(await c.call("CONFIG", "GET", "timeout")).toEqual(["timeout", "0"]);
    expect(await c.call("CONFIG", "SET", "maxclients", "10000")).toBe("OK");
    const max = (await c.call("CONFIG", "GET", "max*")) as string[];
    expect(max).toContain("maxmemory");
    expect(max).toContain("maxmemory-policy");
    expect(await c.call("CONFIG", "GET", "save")).toEqual(["save", ""]);
  });

  test("INFO sections", async () => {
    const some = (await c.call("INFO", "keyspace", "server")) as string;
    expect(some).toContain("# Server\r\n");
    expect(some).toContain("redis_version:7.0.0\r\n");
    expect(some).toContain("# Keyspace\r\n");
    expect(some).not.toContain("# Memory");
    const all = (await c.call("INFO")) as string;
    for (const s of ["Server", "Clients", "Memory", "Stats", "Keyspace"]) expect(all).toContain(`# ${s}\r\n`);
    expect(all).toMatch(/connected_clients:\d+/);
    expect(all).toMatch(/used_memory:\d+/);
    expect(await c.call("INFO", "everything")).toContain("# Crucible\r\n");
  });

  test("COMMAND COUNT, INFO, DOCS, LIST, GETKEYS", async () => {
    const count = (await c.call("COMMAND", "COUNT")) as number;
    expect(count).toBeGreaterThan(60);
    const [get] = (await c.call("COMMAND", "INFO", "get")) as RespValue[][];
    expect(get.slice(0, 6)).toEqual(["get", 2, ["readonly", "fast"], 1, 1, 1]);
    expect(await c.call("COMMAND", "INFO", "no-such-command")).toEqual([null]);
    const docs = (await c.call("COMMAND", "DOCS", "set")) as RespValue[];
    expect(docs[0]).toBe("set");
    expect(JSON.stringify(docs[1])).toContain("summary");
    const list = (await c.call("COMMAND", "LIST")) as string[];
    expect(list.length).toBe(count);
    expect(list).toContain("getrange");
    expect(await c.call("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2")).toEqual(["a", "b"]);
    const all = (await c.call("COMMAND")) as unknown[];
    expect(all.length).toBe(count);
  });

  test("CONFIG RESETSTAT zeroes the INFO stats", async () => {
    await c.call("GET", "stat:missing");
    expect(await c.call("INFO", "stats")).toMatch(/keyspace_misses:[1-9]/);
    expect(await c.call("CONFIG", "RESETSTAT")).toBe("OK");
    const info = (await c.call("INFO", "stats")) as string;
    expect(info).toContain("keyspace_misses:0\r\n");
    expect(info).toContain("keyspace_hits:0\r\n");
  });

  test("TIME and DEBUG SLEEP", async () => {
    const [secs, micros] = (await c.call("TIME")) as string[];
    expect(Math.abs(Number(secs) - Date.now() / 1000)).toBeLessThan(5);
    expect(Number(micros)).toBeLessThan(1_000_000);
    expect(await c.call("DEBUG", "SLEEP", "0.05")).toBe("OK");
    expect(await c.call("DEBUG", "SLEEP", "soon")).toEqual({ error: "ERR value is not a valid float" });
  });
});
