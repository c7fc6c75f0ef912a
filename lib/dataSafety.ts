/**
 * Data safety of the ratings app's MongoDB: the StorageClass its volume lives on, and the decision
 * whether a config change may reach the stateful objects (providers/statefulGuard.ts asks it at
 * preview with the values last applied and the new ones). Pure, and self-contained: the guard's
 * dynamic provider is serialised with these functions, so they use nothing outside this file.
 * The procedures the refusals point to are in docs/data-safety.md.
 */

/** The config values that decide where MongoDB's data lives, as last applied or as now set. */
export interface StatefulValues {
  /** `app.namespace`: deleting the namespace deletes the volume claim. */
  namespace: string;
  /** The StorageClass MongoDB's claim uses (`app.storageClass`, or the program's own class). */
  storageClass: string;
  /** `app.mongoStorageSize`: may grow (the claim is expanded in place), never shrink. */
  storageSize: string;
}

/** A StorageClass for MongoDB's data: kept on delete, expandable in place. */
export interface StorageClassSpec {
  name: string;
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy: "Retain";
  allowVolumeExpansion: true;
  volumeBindingMode: "WaitForFirstConsumer" | "Immediate";
}

/**
 * The StorageClass the program creates for MongoDB.
 * - stamp: Azure Disk CSI (`disk.csi.azure.com`, the `azuredisk-csi-driver` addon every stamp's
 *   cluster enables, lib/apiModel.ts), Standard_LRS (every VM size on Azure Stack Hub takes it),
 *   bound when the pod is scheduled so the disk is created in the pod's fault domain; one app per
 *   cluster, so one name;
 * - local: the local control plane's provisioner `kwok.x-k8s.io/volume`; its name starts with
 *   `local-kwok`, the prefix the KWOK volume stages serve (scripts/local-cluster/stages.yaml), and
 *   ends with the stack name, since several local stacks (the demo's, the real-engine tests') share
 *   one cluster and a StorageClass is cluster-wide.
 * @param stack the stack name (local only)
 */
export function mongoStorageClass(kind: "stamp" | "local", stack = "local"): StorageClassSpec {
  if (kind === "local") {
    const suffix = stack
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, "-")
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
    return {
      name: `local-kwok-retain-${suffix || "local"}`.slice(0, 253),
      provisioner: "kwok.x-k8s.io/volume",
      reclaimPolicy: "Retain",
      allowVolumeExpansion: true,
      volumeBindingMode: "Immediate",
    };
  }
  return {
    name: "ratings-mongodb-retain",
    provisioner: "disk.csi.azure.com",
    parameters: { skuName: "Standard_LRS" },
    reclaimPolicy: "Retain",
    allowVolumeExpansion: true,
    volumeBindingMode: "WaitForFirstConsumer",
  };
}

/** Name of the claim a StatefulSet's volume claim template `template` makes for pod 0. */
export function claimName(template: string, statefulSet: string): string {
  return `${template}-${statefulSet}-0`;
}

/** Bytes of a storage size as `app.mongoStorageSize` allows it (`<n>Mi`, `<n>Gi`, `<n>Ti`). */
export function storageBytes(size: string): number {
  const m = /^([1-9]\d*)(Mi|Gi|Ti)$/.exec(size);
  if (!m) throw new Error(`app.mongoStorageSize: "${size}" is not a size such as 8Gi`);
  const unit = m[2] === "Mi" ? 2 ** 20 : m[2] === "Gi" ? 2 ** 30 : 2 ** 40;
  return Number(m[1]) * unit;
}

/** How a change is named in a refusal and in `app.approvedStatefulChanges`. */
export function changeLabel(key: string, from: string, to: string): string {
  return `${key}: ${from} -> ${to}`;
}

/**
 * Refusals of a change from the values last applied (`old`; undefined on the first deployment) to
 * the new ones: one full sentence per key, naming the key, old -> new and the safe procedure; an
 * empty list when the change is safe. `approved` holds changes an operator approved after
 * following the procedure, each exactly as `changeLabel` writes it; a shrink cannot be approved
 * (Kubernetes cannot shrink a volume).
 */
export function statefulChangeRefusals(
  old: StatefulValues | undefined,
  next: StatefulValues,
  approved: readonly string[] = [],
): string[] {
  if (!old) return [];
  const refusals: string[] = [];
  const approve = (label: string) =>
    `approve exactly this change with app.approvedStatefulChanges: ["${label}"] and run pulumi up`;
  if (old.namespace !== next.namespace) {
    const label = changeLabel("app.namespace", old.namespace, next.namespace);
    if (!approved.includes(label)) {
      refusals.push(
        `${label} would replace the Namespace, and deleting namespace "${old.namespace}" deletes MongoDB's volume claim with the data. ` +
          `Safe procedure (docs/data-safety.md, "Moving the app to another namespace"): ` +
          `1. back up the database; 2. set app.protectStatefulResources: false and run pulumi up; ` +
          `3. ${approve(label)}; 4. restore the backup into namespace "${next.namespace}"; ` +
          `5. remove app.protectStatefulResources: false and run pulumi up`,
      );
    }
  }
  if (old.storageClass !== next.storageClass) {
    const label = changeLabel("app.storageClass", old.storageClass, next.storageClass);
    if (!approved.includes(label)) {
      refusals.push(
        `${label} would replace MongoDB's StatefulSet while its pod keeps the old volume claim (a claim's class cannot change), so the data would not move. ` +
          `Safe procedure (docs/data-safety.md, "Moving the data to another StorageClass"): ` +
          `1. back up the database; 2. set app.protectStatefulResources: false and run pulumi up; ` +
          `3. ${approve(label)}; 4. delete the claim and MongoDB's pod so the StatefulSet makes a new claim of class "${next.storageClass}"; ` +
          `5. restore the backup; 6. remove app.protectStatefulResources: false and run pulumi up --refresh`,
      );
    }
  }
  if (storageBytes(next.storageSize) < storageBytes(old.storageSize)) {
    const label = changeLabel("app.mongoStorageSize", old.storageSize, next.storageSize);
    refusals.push(
      `${label} would shrink MongoDB's volume, which Kubernetes cannot do. ` +
        `Set it back to "${old.storageSize}" or more; for a smaller volume, follow "Moving the data to another StorageClass" in docs/data-safety.md (back up, new claim, restore)`,
    );
  }
  return refusals;
}

/**
 * Whether the stateful objects are protected: `app.protectStatefulResources` when set, else true on
 * stamps and false on the local stack (its demo and tests destroy it).
 */
export function protectsStatefulResources(kind: "stamp" | "local", setting?: boolean): boolean {
  return setting ?? kind === "stamp";
}

/**
 * Whether the namespace and the StorageClass stay in the cluster when Pulumi deletes them (a
 * destroy, or the old namespace after an approved move): always on stamps, whatever the switch, so
 * the namespace's volume claim and data are never deleted by Pulumi; never on the local stack.
 */
export function retainsStatefulResources(kind: "stamp" | "local"): boolean {
  return kind === "stamp";
}
