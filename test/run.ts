export {};
// Runs the whole suite with `bun test`, then the black-box suite again on the other network
// engine, and closes with the line CI reads: "N passed, M failed".
// Extra arguments are passed to `bun test` (a path filter, -t NAME, ...) and skip the second pass.
//
// Pass 1 runs servers on io_engine = "auto" (io_uring where the kernel and the shim allow it);
// pass 2 runs test/blackbox with CRUCIBLE_TEST_ENGINE=bun, which test/helpers/server.ts turns
// into io_engine = "bun".

const args = process.argv.slice(2);

async function pass(label: string, testArgs: string[], env: Record<string, string>) {
  console.log(`\n== ${label}: bun test ${testArgs.join(" ")}`);
  const proc = Bun.spawn([process.execPath, "test", ...testArgs], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...env },
  });
  let output = "";
  async function pump(stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      output += text;
      sink.write(text);
    }
  }
  await Promise.all([pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr)]);
  const code = await proc.exited;
  const passed = Number(/^\s*(\d+) pass\b/m.exec(output)?.[1] ?? 0);
  const failed = Number(/^\s*(\d+) fail\b/m.exec(output)?.[1] ?? 0);
  const skipped = Number(/^\s*(\d+) skip\b/m.exec(output)?.[1] ?? 0);
  // A crash or an unhandled error between tests can leave counts at zero while bun exits non-zero.
  return { passed, failed: code !== 0 && failed === 0 ? 1 : failed, skipped, ok: code === 0 };
}

const results = [await pass("all tests, io_engine auto", args, {})];
if (args.length === 0) results.push(await pass("black-box tests again on io_engine bun", ["test/blackbox"], { CRUCIBLE_TEST_ENGINE: "bun" }));

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(results.some((r) => !r.ok) || failed > 0 || passed === 0 ? 1 : 0);
