// RESP parser and reply writer micro-benchmarks: `bun bench/resp.bench.ts`.
import { bench, do_not_optimize, group, run, summary } from "mitata";
import { ReplyWriter, RespParser } from "../src/protocol/resp/index.ts";

const enc = new TextEncoder();

function frame(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${enc.encode(a).length}\r\n${a}\r\n`).join("");
}

const VALUE32 = "v".repeat(32);
// 16 frames: SET key:000000000001 <32-byte value> and GET, alternating.
let pipelineText = "";
for (let i = 0; i < 8; i++) {
  const key = `key:${String(i + 1).padStart(12, "0")}`;
  pipelineText += frame("SET", key, VALUE32) + frame("GET", key);
}
const pipeline = enc.encode(pipelineText);
const single = enc.encode(frame("SET", "key:000000000001", VALUE32));
const inline = enc.encode("SET key:000000000001 " + VALUE32 + "\r\n");

const parser = new RespParser({ maxBulkBytes: 512 * 1024 * 1024 });

function parseAll(buf: Uint8Array): number {
  let start = 0;
  let frames = 0;
  while (start < buf.length) {
    const n = parser.parse(buf, start, buf.length);
    if (n <= 0) break;
    start += n;
    frames++;
  }
  return frames;
}

group("parse", () => {
  bench("pipeline of 16 SET/GET frames", () => do_not_optimize(parseAll(pipeline)));
  bench("single SET frame", () => do_not_optimize(parser.parse(single, 0, single.length)));
  bench("inline SET line", () => do_not_optimize(parser.parse(inline, 0, inline.length)));
});

const writer = new ReplyWriter(1 << 20);
const bulk32 = enc.encode(VALUE32);
const bulk1k = new Uint8Array(1024).fill(120);
const str32 = VALUE32;

function reps(write: () => void): () => void {
  // 64 replies per call, then rewind, so the buffer never grows.
  return () => {
    writer.pos = 0;
    for (let i = 0; i < 64; i++) write();
    do_not_optimize(writer.pos);
  };
}

group("encode (x64 per op)", () => {
  summary(() => {
    bench("+OK", reps(() => writer.ok()));
    bench("integer 12345", reps(() => writer.integer(12345)));
    bench("integer 1", reps(() => writer.integer(1)));
    bench("bulk 32 B", reps(() => writer.bulk(bulk32, 0, 32)));
    bench("bulk 1 KiB", reps(() => writer.bulk(bulk1k, 0, 1024)));
    bench("bulkString 32 chars", reps(() => writer.bulkString(str32)));
    bench("double 3.14 (RESP2)", reps(() => writer.double(3.14)));
    bench("double 42 (RESP2)", reps(() => writer.double(42)));
  });
});

// Where a byte loop stops beating subarray() + set() for copying a value.
const dst = new Uint8Array(1 << 16);
group("copy: byte loop vs set", () => {
  for (const n of [8, 32, 64, 128, 512]) {
    const src = new Uint8Array(n).fill(1);
    bench(`loop ${n} B`, () => {
      for (let i = 0; i < n; i++) dst[100 + i] = src[i];
      do_not_optimize(dst);
    });
    bench(`set ${n} B`, () => {
      dst.set(src.subarray(0, n), 100);
      do_not_optimize(dst);
    });
  }
});

await run();
