// libmemcached's protocol conformance checker (memccapable, from libmemcached-tools) against
// Crucible's memcache listener: every ascii and binary check must pass, as they do against
// memcached itself.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { memcachePort } from "../helpers/memcached.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ set: ["listener.1.protocol=memcache", "listener.1.address=127.0.0.1:0"] });
});

afterAll(async () => {
  await server?.stop();
});

test("memccapable passes every ascii and binary check", async () => {
  const proc = Bun.spawn(["memccapable", "-h", "127.0.0.1", "-p", String(memcachePort(server))], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const failed = out.split("\n").filter((l) => /\[FAIL\]/.test(l));
  expect(failed).toEqual([]);
  expect(out + err).toContain("All tests passed");
  expect(code).toBe(0);
  expect(out.match(/\[pass\]/g)?.length ?? 0).toBeGreaterThan(50);
}, 60_000);
