// A real text-protocol client library (memcache-client from npm) against Crucible's memcache listener.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { MemcacheClient } from "memcache-client";
import { memcachePort } from "../helpers/memcached.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let client: MemcacheClient;

beforeAll(async () => {
  server = await startServer({ set: ["listener.1.protocol=memcache", "listener.1.address=127.0.0.1:0"] });
  client = new MemcacheClient({ server: `127.0.0.1:${memcachePort(server)}`, cmdTimeout: 5000 });
});

afterAll(async () => {
  client?.shutdown();
  await server?.stop();
});

test("set, get and multi-get round-trip strings, JSON and binary values", async () => {
  expect(await client.set("c-str", "hello")).toEqual(["STORED"]);
  expect(await client.set("c-json", { a: 1, b: [2, 3] })).toEqual(["STORED"]);
  const bytes = Buffer.from([0, 1, 2, 13, 10, 255]);
  expect(await client.set("c-bin", bytes)).toEqual(["STORED"]);
  expect((await client.get<string>("c-str"))?.value).toBe("hello");
  expect((await client.get<Record<string, unknown>>("c-json"))?.value).toEqual({ a: 1, b: [2, 3] });
  expect(Buffer.compare((await client.get<Buffer>("c-bin"))!.value, bytes)).toBe(0);
  const many = await client.get<string>(["c-str", "c-missing", "c-json"]);
  expect(Object.keys(many).sort()).toEqual(["c-json", "c-str"]);
});

test("add, replace, append, prepend, delete", async () => {
  expect(await client.add("c-add", "1")).toEqual(["STORED"]);
  await expect(client.add("c-add", "2")).rejects.toThrow(/NOT_STORED/);
  expect(await client.replace("c-add", "3")).toEqual(["STORED"]);
  await expect(client.replace("c-nope", "3")).rejects.toThrow(/NOT_STORED/);
  expect(await client.append("c-add", "4")).toEqual(["STORED"]);
  expect(await client.prepend("c-add", "2")).toEqual(["STORED"]);
  expect((await client.get<string>("c-add"))?.value).toBe("234");
  expect(await client.delete("c-add")).toEqual(["DELETED"]);
  await expect(client.delete("c-add")).rejects.toThrow(/NOT_FOUND/);
  expect(await client.get("c-add")).toBeUndefined();
});

test("gets and cas: a stale CAS loses", async () => {
  await client.set("c-cas", "v1");
  const first = await client.gets<string>("c-cas");
  expect(first?.casUniq).toBeDefined();
  expect(await client.cas("c-cas", "v2", { casUniq: first!.casUniq })).toEqual(["STORED"]);
  await expect(client.cas("c-cas", "v3", { casUniq: first!.casUniq })).rejects.toThrow(/EXISTS/);
  expect((await client.get<string>("c-cas"))?.value).toBe("v2");
});

test("incr, decr, touch, version", async () => {
  await client.set("c-n", "10");
  expect(await client.incr("c-n", 5)).toBe("15");
  expect(await client.decr("c-n", 20)).toBe("0");
  expect(await client.touch("c-n", 100)).toEqual(["TOUCHED"]);
  const v = await client.version();
  expect(v[0]).toBe("VERSION");
  expect(v[1]).toMatch(/^1\.6\.\d+$/);
});

test("values expire by lifetime", async () => {
  await client.set("c-ttl", "x", { lifetime: -1 });
  expect(await client.get("c-ttl")).toBeUndefined();
});
