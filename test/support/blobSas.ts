/**
 * Test helper: Blob SAS tokens signed with an account key, per the Azure Storage "Create a service
 * SAS" / "Create an account SAS" string-to-sign for versions 2018-11-09 to 2020-10-02 (we sign with
 * 2019-12-12). In production the global stack gets the stamps' SAS from ARM
 * (listStorageAccountServiceSAS) with the parameters of lib/backup.ts `uploadSasSpec`; this signer
 * takes the same parameters so the Azurite tests exercise the same scope and permissions.
 */
import * as crypto from "node:crypto";

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const DEV_ACCOUNT = {
  name: "devstoreaccount1",
  key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
} as const;

const VERSION = "2019-12-12";

const sign = (key: string, text: string) =>
  crypto.createHmac("sha256", Buffer.from(key, "base64")).update(text, "utf8").digest("base64");

const query = (fields: Record<string, string>) =>
  Object.entries(fields)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");

/** A container service SAS (sr=c) for `container`, e.g. permissions "cw" like a stamp's. */
export function containerSas(a: {
  account?: { name: string; key: string };
  container: string;
  permissions: string;
  expiry: string;
  /** "https" in production; the loopback tests use "https,http" (Azurite on plain HTTP). */
  protocols: string;
}): string {
  const account = a.account ?? DEV_ACCOUNT;
  const canonical = `/blob/${account.name}/${a.container}`;
  const toSign = [
    a.permissions,
    "", // st
    a.expiry,
    canonical,
    "", // si
    "", // sip
    a.protocols,
    VERSION,
    "c", // sr
    "", // snapshot time
    "", // rscc
    "", // rscd
    "", // rsce
    "", // rscl
    "", // rsct
  ].join("\n");
  return query({
    sv: VERSION,
    se: a.expiry,
    sr: "c",
    sp: a.permissions,
    spr: a.protocols,
    sig: sign(account.key, toSign),
  });
}

/** An account SAS (blob service, every resource type) for the test's own setup and checks. */
export function accountSas(a: { permissions: string; expiry: string }): string {
  const { name, key } = DEV_ACCOUNT;
  const toSign = [
    name,
    a.permissions,
    "b",
    "sco",
    "",
    a.expiry,
    "",
    "https,http",
    VERSION,
    "",
  ].join("\n");
  return query({
    sv: VERSION,
    ss: "b",
    srt: "sco",
    sp: a.permissions,
    se: a.expiry,
    spr: "https,http",
    sig: sign(key, toSign),
  });
}
