import { describe, expect, test } from "bun:test";
import { formatAddress, formatCpuList, formatSize, parseAddress, parseCpuList, parseDurationSecs, parseSize } from "../../../src/config/index.ts";

describe("parseSize", () => {
  test.each([
    ["16KB", 16 * 1024],
    ["1MB", 1024 ** 2],
    ["1GB", 1024 ** 3],
    ["512mb", 512 * 1024 ** 2],
    ["1GiB", 1024 ** 3],
    ["64 MB", 64 * 1024 ** 2],
    ["1.5GB", 1.5 * 1024 ** 3],
    ["4096", 4096],
    ["100B", 100],
    ["1k", 1000],
    ["2m", 2_000_000],
    ["1TB", 1024 ** 4],
  ] as const)("%s", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test("plain integers are bytes", () => {
    expect(parseSize(1048576)).toBe(1048576);
    expect(parseSize(0)).toBe(0);
  });

  test.each(["", "MB", "1XB", "-1MB", "1.2.3MB", "ten", "1 M B"])("rejects %p", (text) => {
    expect(parseSize(text)).toBeNull();
  });

  test("rejects negative, fractional and non-numbers", () => {
    expect(parseSize(-1)).toBeNull();
    expect(parseSize(1.5)).toBeNull();
    expect(parseSize(true)).toBeNull();
    expect(parseSize({})).toBeNull();
  });

  test("formatSize picks the largest exact unit and round-trips", () => {
    expect(formatSize(64 * 1024 ** 2)).toBe("64MB");
    expect(formatSize(1024 ** 3)).toBe("1GB");
    expect(formatSize(1536 * 1024)).toBe("1536KB");
    expect(formatSize(1000)).toBe("1000");
    for (const n of [1, 1000, 1024, 65536, 1536 * 1024, 512 * 1024 ** 2, 3 * 1024 ** 4]) expect(parseSize(formatSize(n))).toBe(n);
  });
});

describe("parseDurationSecs", () => {
  test.each([
    ["30s", 30],
    ["5m", 300],
    ["1h", 3600],
    ["2d", 172800],
    ["2000ms", 2],
    ["45", 45],
  ] as const)("%s", (text, secs) => {
    expect(parseDurationSecs(text)).toBe(secs);
  });
  test("integers are seconds", () => expect(parseDurationSecs(30)).toBe(30));
  test.each(["", "1500ms", "5 minutes", "-5s", "1w"])("rejects %p", (text) => {
    expect(parseDurationSecs(text)).toBeNull();
  });
});

describe("parseAddress", () => {
  test("host:port forms", () => {
    expect(parseAddress("127.0.0.1:6379")).toEqual({ host: "127.0.0.1", port: 6379 });
    expect(parseAddress("0.0.0.0:0")).toEqual({ host: "0.0.0.0", port: 0 });
    expect(parseAddress("localhost:9090")).toEqual({ host: "localhost", port: 9090 });
    expect(parseAddress("[::1]:6379")).toEqual({ host: "::1", port: 6379 });
  });
  test.each(["", "6379", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "::1:6379", "256.0.0.1:6379", "1.2.3:80", "host:port", "a b:1"])(
    "rejects %p",
    (text) => {
      expect(parseAddress(text)).toBeNull();
    },
  );
  test("formatAddress brackets IPv6", () => {
    expect(formatAddress("::1", 6379)).toBe("[::1]:6379");
    expect(formatAddress("127.0.0.1", 1)).toBe("127.0.0.1:1");
  });
});

describe("parseCpuList", () => {
  test("ranges and lists", () => {
    expect(parseCpuList("0-3")).toEqual([0, 1, 2, 3]);
    expect(parseCpuList("0,2,4")).toEqual([0, 2, 4]);
    expect(parseCpuList("0-1,8-9")).toEqual([0, 1, 8, 9]);
    expect(parseCpuList("")).toEqual([]);
  });
  test("ranges with a stride, and mixtures", () => {
    expect(parseCpuList("0-15:2")).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(parseCpuList("1-10:3")).toEqual([1, 4, 7, 10]);
    expect(parseCpuList("0-3:1")).toEqual([0, 1, 2, 3]);
    expect(parseCpuList("5-5:4")).toEqual([5]);
    expect(parseCpuList("8, 0-3, 1,3, 12-15:2")).toEqual([0, 1, 2, 3, 8, 12, 14]);
    expect(parseCpuList(" 7 ")).toEqual([7]);
    expect(parseCpuList("4095")).toEqual([4095]);
  });
  test.each(["3-1", "a", "0-", "1,,2", "0-15:0", "0:2", "0-3:", "-1", "1-2-3", "0-4096", "4096", "0-3:x", "0;1", "0-3,"])(
    "rejects %p",
    (text) => expect(parseCpuList(text)).toBeNull(),
  );
});

describe("formatCpuList", () => {
  test("runs collapse into ranges", () => {
    expect(formatCpuList([0, 1, 2, 3, 8])).toBe("0-3,8");
    expect(formatCpuList([5, 1, 3, 2])).toBe("1-3,5");
    expect(formatCpuList([0, 2, 4])).toBe("0,2,4");
    expect(formatCpuList([0, 0, 1])).toBe("0-1");
    expect(formatCpuList([])).toBe("");
  });
  test("round-trips through parseCpuList", () => {
    for (const text of ["0-15:2", "0-3,8-11", "1,3,8", "0-63:7,100"]) {
      const cpus = parseCpuList(text)!;
      expect(parseCpuList(formatCpuList(cpus))).toEqual(cpus);
    }
  });
});
