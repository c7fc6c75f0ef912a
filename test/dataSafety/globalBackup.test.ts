/**
 * The global stack's backups are guarded like the stamps' data: the storage account and every
 * stamp's container are protected, so neither `pulumi destroy` nor dropping a stamp from
 * backup.stamps deletes backups (docs/bcdr.md).
 */
import { installGraphMocks, resolveExports } from "../graph/graph";
import { mocksFor } from "../graph/program";
import { withOption } from "./program";

const { nodes, settled } = installGraphMocks(mocksFor("global"));

test("the account and the containers are protected, nothing else of the backup", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await resolveExports((await require("../../index")) as Record<string, unknown>);
  await settled();
  expect(withOption(nodes, "protect")).toEqual(
    [
      "azure-native:storage:BlobContainer global-backup-munich",
      "azure-native:storage:BlobContainer global-backup-seattle",
      "azure-native:storage:StorageAccount global-backup-account",
    ].sort(),
  );
});
