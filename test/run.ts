export {};
// Runs the whole suite with `bun test` and closes with the line CI reads: "N passed, M failed".
// Extra arguments are passed to `bun test` (a path filter, -t NAME, ...).

const args = process.argv.slice(2);
const proc = Bun.spawn([process.execPath, "test", ...args], {
  stdin: "ignore",
  stdout: "pipe",
  stderr: "pipe",
  env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
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
const failures = code !== 0 && failed === 0 ? 1 : failed;
console.log(`\n${passed} passed, ${failures} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(code !== 0 || failures > 0 || passed === 0 ? 1 : 0);
