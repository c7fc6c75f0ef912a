/**
 * How big a Fluent Bit request to the Logs Ingestion API can get, and how long a failing one is
 * retried. Pure: the numbers the pipeline (lib/monitoring.ts) is written with, and the bound they
 * give. docs/monitoring.md explains each step with the upstream source it was read from.
 *
 * Facts this rests on (Fluent Bit 5.0.9 source, tag v5.0.9):
 * - `azure_logs_ingestion` posts one request per flushed chunk: the whole chunk as one JSON array,
 *   gzip'd if `compress` is on; it never splits, and retries on any non-2xx answer (a 413 too).
 * - With `storage.type memory`, an input is paused once its buffered chunks reach `Mem_Buf_Limit`;
 *   the check runs after each append, so a chunk holds less than the limit plus one append.
 * - One tail append is the records of one read of at most `Buffer_Max_Size` bytes of log file,
 *   plus the multiline groups (one per stream) that read completes, each cut at
 *   `multiline_buffer_limit`.
 * - A chunk is dropped after `Retry_Limit` retries; retry n waits a random time between
 *   `scheduler.base` and min(`scheduler.cap`, base * 2^n) seconds.
 */

/**
 * Logs Ingestion API: at most 1 MB per call, compressed or not (Azure Monitor service limits).
 * The service's 413 names 1,048,576 bytes; the decimal reading is kept so either one holds.
 */
export const LOGS_INGESTION_MAX_REQUEST_BYTES = 1_000_000;

/** The API truncates a field value longer than 64 KB. */
export const LOGS_INGESTION_MAX_FIELD_BYTES = 64 * 1024;

/**
 * Fluent Bit's buffering and retry settings, in bytes and seconds. Sizes are written to the config
 * as plain byte counts: Fluent Bit reads "KB" as 1,000 bytes for some keys and 1,024 for others.
 */
export const FLUENT_BIT_BATCHING = {
  /**
   * `Flush`: seconds between dispatches of the buffered chunks. Each dispatch sends one request per
   * container log file with new lines, and the API takes 12,000 requests a minute per rule, shared
   * by every stamp: 5 s keeps a stamp of 200 active files at 2,400 a minute.
   */
  flushSeconds: 5,
  /** Input `Mem_Buf_Limit` (with `storage.type memory`): reading pauses at this many bytes. */
  memBufLimitBytes: 64 * 1024,
  /** Input `Buffer_Chunk_Size`: first size of a file's read buffer. */
  bufferChunkBytes: 32 * 1024,
  /** Input `Buffer_Max_Size`: most bytes one read takes (longer lines are skipped). */
  bufferMaxBytes: 32 * 1024,
  /** Service `multiline_buffer_limit`: a merged (partial-line) record is cut here. */
  multilineBufferLimitBytes: 32 * 1024,
  /** Output `Retry_Limit`: retries after the first attempt, then the chunk is dropped. */
  retryLimit: 10,
  /** Service `scheduler.base`: shortest wait before a retry, seconds. */
  schedulerBaseSeconds: 5,
  /** Service `scheduler.cap`: longest wait before a retry, seconds. */
  schedulerCapSeconds: 300,
} as const;

export type FluentBitBatching = { [K in keyof typeof FLUENT_BIT_BATCHING]: number };

/** The records the size bound is stated for (see docs/monitoring.md for what falls outside). */
export interface RecordEnvelope {
  /** Fewest bytes of a log line on disk, containerd's `<time> <stream> <P|F> ` prefix included. */
  minLineBytes: number;
  /** Most msgpack bytes of a record besides its log text: timestamp, column names, metadata, labels. */
  maxMetadataBytes: number;
  /**
   * Most JSON bytes per msgpack byte of a chunk. 2.5 covers valid UTF-8 text (kept as is with
   * `json.escape_unicode Off`) whose only escapes are quote, backslash, \t \n \r \b \f (2 bytes),
   * one-character label keys and the ISO 8601 `TimeGenerated` the output adds.
   */
  jsonPerMsgpackByte: number;
}

/** The envelope: lines of 100 bytes or more, 640 bytes of metadata, text without raw control bytes. */
export const RECORD_ENVELOPE: RecordEnvelope = {
  minLineBytes: 100,
  maxMetadataBytes: 640,
  jsonPerMsgpackByte: 2.5,
};

/** The bound, step by step. */
export interface BatchBound {
  /** Most records one read completes (its lines plus one carried multiline group per stream). */
  recordsPerRead: number;
  /** Most msgpack bytes one append adds. */
  appendBytes: number;
  /** Most msgpack bytes of one chunk, i.e. of one request before serialisation. */
  chunkBytes: number;
  /** Most bytes of one request's JSON body (gzip only makes the body smaller than this). */
  requestBytes: number;
  /** Shortest and longest time a failing chunk is retried before it is dropped, seconds. */
  retryWindowSeconds: { min: number; max: number };
}

/** The bound for the given settings and envelope. */
export function batchBound(
  b: FluentBitBatching = FLUENT_BIT_BATCHING,
  e: RecordEnvelope = RECORD_ENVELOPE,
): BatchBound {
  const streams = 2; // stdout and stderr: one open multiline group each
  const recordsPerRead = Math.ceil(b.bufferMaxBytes / e.minLineBytes) + streams;
  const textBytes = b.bufferMaxBytes + streams * b.multilineBufferLimitBytes;
  const appendBytes = recordsPerRead * e.maxMetadataBytes + textBytes;
  // Appends are accepted while less than the limit is buffered: at most limit - 1, then one more.
  const chunkBytes = b.memBufLimitBytes - 1 + appendBytes;
  const requestBytes = Math.ceil(e.jsonPerMsgpackByte * chunkBytes) + 2; // + the array's brackets
  let max = 0;
  for (let n = 1; n <= b.retryLimit; n++) {
    max += Math.min(b.schedulerCapSeconds, b.schedulerBaseSeconds * 2 ** n);
  }
  return {
    recordsPerRead,
    appendBytes,
    chunkBytes,
    requestBytes,
    retryWindowSeconds: { min: b.retryLimit * b.schedulerBaseSeconds, max },
  };
}
