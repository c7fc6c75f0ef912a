/**
 * The pure backup logic: container and blob names, the SAS expiry scheme, the global outputs a
 * stamp reads, config validation of backup/alerts (each bad value named with its key), and the
 * generated scripts with hostile values (run for real by sh with a stand-in mongodump).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, parseConfig } from "../config";
import {
  backupContainerName,
  globalUploadTarget,
  latestBackup,
  uploadSasExpiry,
} from "../lib/backup";
import { actionGroupShortName } from "../lib/backupAlert";
import { backupScripts } from "../lib/backupJob";
import { dumpScript, uploadScript } from "../lib/backupScripts";
import { readStackFile } from "./stackFiles";

describe("names", () => {
  test("a stamp's container is mongodb-<stamp>", () => {
    expect(backupContainerName("seattle")).toBe("mongodb-seattle");
  });
  test.each(["Seattle", "a--b", "a/b", "a b", "x'; rm -rf /", "-x", "é", ""])(
    "stamp %j gives no container name",
    (stamp) => {
      expect(() => backupContainerName(stamp)).toThrow(/is not valid/);
      expect(() => uploadScript({ stamp })).toThrow(/is not valid/);
    },
  );
  test("the latest backup is the greatest matching name; others are ignored", () => {
    expect(
      latestBackup(
        [
          "mongodump-seattle-20261127T021700Z.archive.gz",
          "mongodump-seattle-20261128T021700Z.archive.gz",
          "mongodump-seattle-20991231T000000Z.archive.gz.part",
          "mongodump-seattlex-20991231T000000Z.archive.gz",
          "zzz",
        ],
        "seattle",
      ),
    ).toBe("mongodump-seattle-20261128T021700Z.archive.gz");
    expect(latestBackup([], "seattle")).toBeUndefined();
  });
  test("the action group short name fits 12 characters", () => {
    expect(actionGroupShortName("contoso-ratings")).toBe("tm-contoso-r");
    expect(actionGroupShortName("abcdefgh-xyz")).toBe("tm-abcdefgh");
  });
});

describe("upload SAS expiry: 1st of next month + grace days, stable within a month", () => {
  test.each([
    ["2026-11-01T00:00:00Z", 14, "2026-12-15T00:00:00Z"],
    ["2026-11-30T23:59:59Z", 14, "2026-12-15T00:00:00Z"],
    ["2026-12-10T12:00:00Z", 14, "2027-01-15T00:00:00Z"],
    ["2028-01-31T00:00:00Z", 30, "2028-03-02T00:00:00Z"], // February 2028 has 29 days,
  ])("%s + %i days -> %s", (now, grace, expiry) => {
    expect(uploadSasExpiry(new Date(now), grace)).toBe(expiry);
  });
  test("never less than grace days ahead, never more than a month + grace", () => {
    for (let day = 0; day < 400; day += 7) {
      const now = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
      const left = (Date.parse(uploadSasExpiry(now, 14)) - now.getTime()) / 86_400_000;
      expect(left).toBeGreaterThan(14);
      expect(left).toBeLessThanOrEqual(14 + 31);
    }
  });
  test.each([0, 61, 1.5])("grace %p is refused", (g) => {
    expect(() => uploadSasExpiry(new Date(), g)).toThrow(/backup.sasGraceDays/);
  });
});

describe("a stamp's target from the global outputs", () => {
  test("its own container and SAS", () => {
    expect(
      globalUploadTarget(
        "https://a.blob.core.windows.net/",
        '{"seattle":"sig=1","munich":"sig=2"}',
        "seattle",
      ),
    ).toEqual({ containerUrl: "https://a.blob.core.windows.net/mongodb-seattle", sas: "sig=1" });
  });
  test("no account, or no SAS for this stamp, names the global config key", () => {
    expect(() => globalUploadTarget("", "{}", "seattle")).toThrow(/no backup storage account/);
    expect(() => globalUploadTarget("https://a/", '{"munich":"x"}', "seattle")).toThrow(
      /add "seattle" to backup.stamps in the global stack's config/,
    );
    expect(() => globalUploadTarget("https://a/", "nope", "seattle")).toThrow(/not JSON/);
  });
});

describe("config", () => {
  const P = "ash-ha-kubernetes";
  const global = readStackFile("global", "x");
  const seattle = readStackFile("seattle", "x");
  const problems = (
    stack: string,
    file: typeof global,
    patch: Record<string, unknown>,
    secret: Record<string, string> = {},
  ) => {
    const config = { ...file.config, ...secret };
    for (const [key, value] of Object.entries(patch)) config[`${P}:${key}`] = JSON.stringify(value);
    try {
      parseConfig(stack, config, [...file.secretKeys, ...Object.keys(secret)]);
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems;
    }
  };
  const backup = { storageAccountName: "contosobackup", stamps: ["seattle"] };

  test("the shipped global and stamp stacks are valid", () => {
    expect(problems("global", global, {})).toEqual([]);
    expect(problems("seattle", seattle, {})).toEqual([]);
  });
  test.each([
    [
      { backup: { ...backup, storageAccountName: "Contoso_Backup" } },
      /backup.storageAccountName.*Contoso_Backup.*3-24 lowercase/,
    ],
    [{ backup: { ...backup, stamps: ["seattle", "seattle"] } }, /backup.stamps.*twice/],
    [{ backup: { ...backup, stamps: ["a--b"] } }, /backup.stamps\[0\].*two hyphens/],
    [{ backup: { ...backup, stamps: ["$(id)"] } }, /backup.stamps\[0\].*stamp \(stack\) name/],
    [{ backup: { ...backup, retentionDays: 0 } }, /backup.retentionDays.*1-3650/],
    [
      { alerts: { emails: ["ops@contoso.com", "not an address"] } },
      /alerts.emails\[1\].*e-mail address/,
    ],
    [{ alerts: { emails: ['"x"@y.com<script>'] } }, /alerts.emails\[0\]/],
    [{ alerts: { emails: [] } }, /alerts.emails.*at least one/],
    [
      { alerts: { emails: ["a@b.co"], windowMinutes: 7 } },
      /alerts.windowMinutes.*1, 5, 15, 30 or 60/,
    ],
  ])("global %j is refused, naming the key", (patch, message) => {
    expect(problems("global", global, patch).join("\n")).toMatch(message);
  });
  test.each([
    [{ backup: { schedule: "* * * * * ; reboot" } }, /backup.schedule.*five-field cron/],
    [{ backup: { egressCidrs: ["10.0.0.0/33"] } }, /backup.egressCidrs\[0\].*CIDR/],
    [{ backup: { uploadImage: "curl" } }, /backup.uploadImage/],
    [
      { backup: { target: { blobEndpoint: "http://x.example", container: "c1c" } } },
      /backup.target.blobEndpoint.*https/,
    ],
    [
      { backup: { target: { blobEndpoint: "https://x.example", container: "a--b" } } },
      /backup.target.container/,
    ],
  ])("stamp %j is refused, naming the key", (patch, message) => {
    expect(problems("seattle", seattle, patch).join("\n")).toMatch(message);
  });
  const target = {
    blobEndpoint: "https://backups.blob.munich.azurestack.contoso.com",
    container: "seattle-db",
  };
  const sas = (v: string) => ({ [`${P}:backupTargetSas`]: v });
  test("a disconnected target needs its secret SAS, and the SAS needs a target", () => {
    expect(problems("seattle", seattle, { backup: { target } }).join("\n")).toMatch(
      /backupTargetSas: is missing/,
    );
    expect(problems("seattle", seattle, {}, sas("sv=1&sig=x")).join("\n")).toMatch(
      /backupTargetSas: is set but backup.target is not/,
    );
    expect(problems("seattle", seattle, { backup: { target } }, sas("sv=1&sp=cw&sig=abc"))).toEqual(
      [],
    );
  });
  test("a SAS that is not one is refused without repeating it", () => {
    const text = problems(
      "seattle",
      seattle,
      { backup: { target } },
      sas('https://x/?sig=SECRETVALUE"'),
    ).join("\n");
    expect(text).toMatch(/backupTargetSas: is not a SAS token/);
    expect(text).not.toContain("SECRETVALUE");
  });
  test("the SAS must be set as a secret", () => {
    const config = {
      ...seattle.config,
      [`${P}:backup`]: JSON.stringify({ target }),
      [`${P}:backupTargetSas`]: "sv=1&sig=x",
    };
    expect(() => parseConfig("seattle", config, seattle.secretKeys)).toThrow(
      /backupTargetSas: is stored in plaintext/,
    );
  });
  test("the local stack: backup off by default; on, it needs a target and its secret SAS", () => {
    const local = readStackFile("local", "x");
    expect(problems("local", local, {})).toEqual([]);
    expect(problems("local", local, { backup: { enabled: true } }).join("\n")).toMatch(
      /backup.target: is missing; the local stack has no global storage account/,
    );
    expect(
      problems("local", local, { backup: { enabled: true, target } }, sas("sv=1&sig=x")),
    ).toEqual([]);
  });

  test("a target on this very stamp is refused: backups live off the stamp", () => {
    const own = {
      blobEndpoint: "https://acct.blob.seattle.azurestack.contoso.com",
      container: "dbs",
    };
    expect(
      problems("seattle", seattle, { backup: { target: own } }, sas("sv=1&sig=x")).join("\n"),
    ).toMatch(/backup.target.blobEndpoint: .* is on this stamp \(seattle.azurestack.contoso.com\)/);
  });
});

test("the upload's API version: 2020-10-02 for the global account, 2019-07-07 for Azure Stack Hub", () => {
  expect(backupScripts("seattle", "ratings")["upload.sh"]).toContain("api_version='2020-10-02'");
  expect(backupScripts("seattle", "ratings", true)["upload.sh"]).toContain(
    "api_version='2019-07-07'",
  );
});

describe("scripts with hostile values", () => {
  test("host and database are single words: nothing in them runs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-hostile-"));
    try {
      // STAND-IN for mongodump: records its argv one per line.
      fs.writeFileSync(
        path.join(dir, "mongodump"),
        `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/argv\n`,
        { mode: 0o755 },
      );
      const host = `h$(touch ${dir}/pwned)'"; touch ${dir}/pwned2`;
      const database = "db`touch x`";
      const r = spawnSync(
        "sh",
        ["-c", dumpScript({ host, port: 27017, database, archive: `${dir}/a b.gz` })],
        {
          encoding: "utf8",
          env: {
            PATH: `${dir}:${process.env.PATH}`,
            MONGO_ROOT_USERNAME: "root",
            MONGO_ROOT_PASSWORD: "p",
          },
        },
      );
      // The stand-in writes no archive: the dump fails, so the upload never starts.
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("backup: mongodump wrote no archive");
      const argv = fs.readFileSync(path.join(dir, "argv"), "utf8").split("\n");
      expect(argv).toContain(`--host=${host}`);
      expect(argv).toContain(`--db=${database}`);
      expect(argv).toContain(`--archive=${dir}/a b.gz`);
      expect(fs.existsSync(path.join(dir, "pwned"))).toBe(false);
      expect(fs.existsSync(path.join(dir, "pwned2"))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test("a control character never reaches a script", () => {
    expect(() => dumpScript({ host: "a\nb", port: 1, database: "d" })).toThrow(/control character/);
    expect(() => uploadScript({ stamp: "seattle", archive: "/x\r" })).toThrow(/control character/);
  });
});
