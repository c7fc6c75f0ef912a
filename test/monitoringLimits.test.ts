import fc from "fast-check";
import {
  batchBound,
  FLUENT_BIT_BATCHING,
  FluentBitBatching,
  LOGS_INGESTION_MAX_REQUEST_BYTES,
  RECORD_ENVELOPE,
} from "../lib/fluentBitLimits";
import * as m from "../lib/monitoring";
import { configureProperties } from "./support/properties";

const dest: m.LogsIngestion = {
  endpoint: "https://dce-ash-abcd.westeurope-1.ingest.monitor.azure.com",
  ruleId: "dcr-0123456789abcdef0123456789abcdef",
  streamName: "Custom-ContainerLogs_CL",
  tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
  clientId: "5b7d9f1a-3c5e-4a7b-9d1f-4e6a8c0b2d93",
};

/** Reads `key value` of a rendered classic-config section as a number; throws if absent. */
function setting(section: string, key: string): number {
  const match = new RegExp(`^    ${key.replace(/\./g, "\\.")} (\\S+)$`, "m").exec(section);
  if (!match) throw new Error(`${key} not in:\n${section}`);
  const n = Number(match[1]);
  if (!Number.isInteger(n)) throw new Error(`${key} is "${match[1]}", not a plain number`);
  return n;
}

/** The batching settings as the rendered pipeline spells them (not the constants it is built from). */
function rendered(): FluentBitBatching {
  const p = m.fluentBitPipeline("seattle", dest);
  return {
    flushSeconds: setting(p.service, "Flush"),
    memBufLimitBytes: setting(p.inputs, "Mem_Buf_Limit"),
    bufferChunkBytes: setting(p.inputs, "Buffer_Chunk_Size"),
    bufferMaxBytes: setting(p.inputs, "Buffer_Max_Size"),
    multilineBufferLimitBytes: setting(p.service, "multiline_buffer_limit"),
    retryLimit: setting(p.outputs, "Retry_Limit"),
    schedulerBaseSeconds: setting(p.service, "scheduler.base"),
    schedulerCapSeconds: setting(p.service, "scheduler.cap"),
  };
}

describe("request size", () => {
  test("the rendered config is the one the bound is computed for", () => {
    expect(rendered()).toEqual({ ...FLUENT_BIT_BATCHING });
    // Memory buffering: Mem_Buf_Limit pauses the input only with storage.type memory.
    expect(m.fluentBitPipeline("seattle", dest).inputs).toContain("    storage.type memory\n");
  });

  test("the bound, step by step, with the rendered settings", () => {
    expect(batchBound(rendered())).toEqual({
      // ceil(32768 / 100) lines + one carried multiline group per stream
      recordsPerRead: 330,
      // 330 * 640 metadata + 32768 read + 2 * 32768 carried text
      appendBytes: 309_504,
      // 65536 - 1 buffered + one append
      chunkBytes: 375_039,
      // ceil(2.5 * 375039) + 2 brackets
      requestBytes: 937_600,
      retryWindowSeconds: { min: 50, max: 1_810 },
    });
  });

  test("no request of the envelope reaches the API's 1 MB", () => {
    expect(LOGS_INGESTION_MAX_REQUEST_BYTES).toBe(1_000_000);
    expect(batchBound(rendered()).requestBytes).toBeLessThanOrEqual(
      LOGS_INGESTION_MAX_REQUEST_BYTES,
    );
  });

  test.each([
    ["the former 32MB Mem_Buf_Limit", { memBufLimitBytes: 32_000_000 }, 80_773_760],
    ["a Mem_Buf_Limit four times larger", { memBufLimitBytes: 4 * 65_536 }, 1_429_120],
    ["a 64 KiB read buffer", { bufferMaxBytes: 65_536 }, 1_544_320],
    ["the 2 MiB default multiline limit", { multilineBufferLimitBytes: 2 * 1_048_576 }, 11_259_520],
  ])("%s would break it", (_, change, requestBytes) => {
    const bound = batchBound({ ...FLUENT_BIT_BATCHING, ...change });
    expect(bound.requestBytes).toBe(requestBytes);
    expect(bound.requestBytes).toBeGreaterThan(LOGS_INGESTION_MAX_REQUEST_BYTES);
  });

  test("records outside the envelope (short lines, heavy labels) are not covered", () => {
    const short = batchBound(FLUENT_BIT_BATCHING, { ...RECORD_ENVELOPE, minLineBytes: 40 });
    expect(short.requestBytes).toBeGreaterThan(LOGS_INGESTION_MAX_REQUEST_BYTES);
    const heavy = batchBound(FLUENT_BIT_BATCHING, { ...RECORD_ENVELOPE, maxMetadataBytes: 1_024 });
    expect(heavy.requestBytes).toBeGreaterThan(LOGS_INGESTION_MAX_REQUEST_BYTES);
  });
});

describe("retries", () => {
  test("finite: no_limits is gone, so every chunk is either sent or dropped and counted", () => {
    const outputs = m.fluentBitPipeline("seattle", dest).outputs;
    expect(outputs).not.toMatch(/no_limits|no_retries|False/i);
    expect(setting(outputs, "Retry_Limit")).toBe(10);
  });

  test("the retry window sums the capped backoff of each retry", () => {
    // min(300, 5 * 2^n) for n = 1..10: 10 + 20 + 40 + 80 + 160 + 5 * 300
    expect(batchBound().retryWindowSeconds).toEqual({ min: 10 * 5, max: 1_810 });
    const uncapped = batchBound({ ...FLUENT_BIT_BATCHING, schedulerCapSeconds: 2_000 });
    // Fluent Bit's default cap: 10 + 20 + ... + 1280 + 2000 + 2000
    expect(uncapped.retryWindowSeconds.max).toBe(6_550);
  });
});

/*
 * The serialisation factor, checked on generated records: a model of what Fluent Bit 5.0.9 does
 * with a chunk (msgpack sizes per the msgpack spec; JSON as azure_logs_ingestion's az_li_format
 * and flb_utils_write_str_raw write it with json.escape_unicode Off). A model, not Fluent Bit.
 */
const utf8 = (s: string) => Buffer.byteLength(s, "utf8");
const mpStr = (s: string) => {
  const n = utf8(s);
  return n + (n < 32 ? 1 : n < 256 ? 2 : n < 65_536 ? 3 : 5);
};
const mpMap = (n: number) => (n < 16 ? 1 : n < 65_536 ? 3 : 5);
/** [[fixext8 time, {}], body]: two array headers, 10 bytes of time, an empty map. */
const EVENT_HEADER = 1 + 1 + 10 + 1;
type Body = Record<string, string | Record<string, string>>;
const msgpackBytes = (body: Body) =>
  EVENT_HEADER +
  mpMap(Object.keys(body).length) +
  Object.entries(body).reduce(
    (sum, [k, v]) =>
      sum +
      mpStr(k) +
      (typeof v === "string"
        ? mpStr(v)
        : mpMap(Object.keys(v).length) +
          Object.entries(v).reduce((s, [lk, lv]) => s + mpStr(lk) + mpStr(lv), 0)),
    0,
  );
const TWO_BYTE_ESCAPES = new Set(['"', "\\", "\n", "\r", "\t", "\b", "\f"]);
const jsonStr = (s: string) => {
  let n = 2;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += TWO_BYTE_ESCAPES.has(ch) ? 2 : c < 0x20 || c === 0x7f ? 6 : utf8(ch);
  }
  return n;
};
const TIME_GENERATED = jsonStr("TimeGenerated") + 1 + jsonStr("2026-11-28T20:19:14.123Z");
const jsonBytes = (body: Body) =>
  2 +
  TIME_GENERATED +
  Object.entries(body).reduce(
    (sum, [k, v]) =>
      sum +
      1 +
      jsonStr(k) +
      1 +
      (typeof v === "string"
        ? jsonStr(v)
        : 2 +
          Object.entries(v).reduce(
            (s, [lk, lv], i) => s + (i ? 1 : 0) + jsonStr(lk) + 1 + jsonStr(lv),
            0,
          )),
    0,
  );
const chunkJson = (bodies: Body[]) =>
  2 + bodies.length - 1 + bodies.reduce((s, b) => s + jsonBytes(b), 0);
const chunkMsgpack = (bodies: Body[]) => bodies.reduce((s, b) => s + msgpackBytes(b), 0);

describe("serialisation factor", () => {
  beforeAll(() => configureProperties());
  const name = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,40}[a-z0-9])?$/);
  // Text of the envelope: valid UTF-8, any escapes except raw control bytes beyond \t \n \r \b \f.
  const text = fc.string({
    unit: fc.oneof(
      fc.constantFrom('"', "\\", "\n", "\r", "\t", "\b", "\f"),
      fc
        .string({ unit: "grapheme", minLength: 1, maxLength: 1 })
        .filter((c) => ![...c].some((x) => x.codePointAt(0)! < 0x20 || x.codePointAt(0) === 0x7f)),
    ),
    maxLength: 300,
  });
  const labels = fc.dictionary(
    fc.stringMatching(/^[a-z]([a-z0-9./-]{0,20})$/),
    fc.stringMatching(/^[a-z0-9._-]{0,20}$/),
    { maxKeys: 40 },
  );
  const record: fc.Arbitrary<Body> = fc
    .record({
      LogMessage: text,
      Stream: fc.constantFrom("stdout", "stderr"),
      Stamp: name,
      meta: fc.option(
        fc.record({
          Namespace: name,
          Pod: name,
          Container: name,
          ContainerImage: name,
          Node: name,
          PodLabels: labels,
        }),
      ),
    })
    .map(({ meta, ...rest }) => ({ ...rest, ...(meta ?? {}) }));

  test("JSON of a chunk of envelope records is at most 2.5 times its msgpack", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 30 }), (bodies) => {
        expect(chunkJson(bodies)).toBeLessThanOrEqual(
          RECORD_ENVELOPE.jsonPerMsgpackByte * chunkMsgpack(bodies) + 2,
        );
      }),
    );
  });

  test("the worst envelope record: empty text, many one-letter labels with empty values", () => {
    const labels = Object.fromEntries("abcdefghijklmno".split("").map((k) => [k, ""]));
    const body: Body = { LogMessage: "", Stream: "stdout", Stamp: "s", PodLabels: labels };
    // msgpack: 13 + 1 + (11+1) + (7+7) + (6+2) + (10+1) + 15 * 3 = 104
    // JSON: 2 + 42 + 16 + 18 + 12 + (13 + 2 + 15 * 6 + 14) = 209
    expect([msgpackBytes(body), jsonBytes(body)]).toEqual([104, 209]);
    expect(jsonBytes(body) / msgpackBytes(body)).toBeLessThanOrEqual(2.5);
  });

  test("raw control characters fall outside: 6 JSON bytes each", () => {
    const body: Body = { LogMessage: "\u0001".repeat(1_000), Stream: "stdout", Stamp: "s" };
    expect(jsonBytes(body) / msgpackBytes(body)).toBeGreaterThan(5);
  });
});
