import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RawClient } from "../helpers/raw.ts";
import { startServer, waitFor, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

describe("expiry over the wire", () => {
  test("a read after the TTL never returns the value", async () => {
    const c = await RawClient.connect(server.port);
    // Taken before the SET is sent: the server's expiry clock starts no earlier, so the key
    // must stay readable for 80 ms from here. (Taken after the reply, the client's own
    // delay in reading it made this fail while the server was right.)
    const setAt = Date.now();
    expect(await c.call("SET", "ttl:k", "v", "PX", "80")).toBe("OK");
    await waitFor(async () => (await c.call("GET", "ttl:k")) === null, 3000, "the key to expire");
    expect(Date.now() - setAt).toBeGreaterThanOrEqual(79);
    expect(await c.call("PTTL", "ttl:k")).toBe(-2);
    c.close();
  });

  test("expired keys are reclaimed without being read", async () => {
    const c = await RawClient.connect(server.port);
    expect(await c.call("SELECT", "5")).toBe("OK");
    for (let i = 0; i < 200; i++) expect(await c.call("SET", `gone:${i}`, "x", "PX", "50")).toBe("OK");
    expect(await c.call("SET", "stays", "x")).toBe("OK");
    await waitFor(async () => (await c.call("DBSIZE")) === 1, 5000, "expired keys to be reclaimed");
    expect(await c.call("GET", "stays")).toBe("x");
    const info = (await c.call("INFO", "stats")) as string;
    expect(Number(/expired_keys:(\d+)/.exec(info)?.[1])).toBeGreaterThanOrEqual(200);
    c.close();
  });
});
