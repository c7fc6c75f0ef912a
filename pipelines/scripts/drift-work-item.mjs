// Opens or updates the Azure Boards work item that tracks drift on one stack (the Azure Pipelines
// counterpart of the GitHub issue the drift workflow opens):
//
//   node pipelines/scripts/drift-work-item.mjs <stack>
//
// One open work item per stack, titled "Drift detected on stack <stack>" and tagged `drift`: a new
// drift run adds a comment to it instead of opening another. Uses the job's OAuth token
// (SYSTEM_ACCESSTOKEN, mapped in by the pipeline; the build service needs "Edit work items in this
// node") and the predefined SYSTEM_COLLECTIONURI, SYSTEM_TEAMPROJECT and BUILD_BUILDID variables.
// The work item type defaults to "Issue" (Basic, Agile and CMMI processes); set
// ASHK8S_DRIFT_WORK_ITEM_TYPE for another one (e.g. "Impediment" in Scrum). The token is never printed.
const stack = process.argv[2];
if (!stack) throw new Error("usage: drift-work-item.mjs <stack>");
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; map it into the step's environment`);
  return value;
};
const project = `${env("SYSTEM_COLLECTIONURI")}${encodeURIComponent(env("SYSTEM_TEAMPROJECT"))}`;
const runUrl = `${project}/_build/results?buildId=${env("BUILD_BUILDID")}`;
const type = process.env.ASHK8S_DRIFT_WORK_ITEM_TYPE || "Issue";
const title = `Drift detected on stack ${stack}`;
const text =
  `<p>The scheduled drift check found changes made outside Pulumi on stack <b>${stack}</b> ` +
  `(<code>pulumi refresh --preview-only --expect-no-changes</code> exited 7). ` +
  `See <a href="${runUrl}">the pipeline run</a> and docs/pipelines.md, "Drift found".</p>`;

async function call(method, url, body, contentType = "application/json") {
  const response = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${env("SYSTEM_ACCESSTOKEN")}`, "Content-Type": contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
  }
  return response.json();
}

const wiql = await call("POST", `${project}/_apis/wit/wiql?api-version=7.1`, {
  query:
    "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project " +
    `AND [System.Title] = '${title.replace(/'/g, "''")}' AND [System.Tags] CONTAINS 'drift' ` +
    "AND [System.State] NOT IN ('Closed', 'Done', 'Removed', 'Resolved')",
});
const open = wiql.workItems?.[0];
if (open) {
  await call(
    "POST",
    `${project}/_apis/wit/workItems/${open.id}/comments?api-version=7.1-preview.4`,
    {
      text,
    },
  );
  console.log(`drift on ${stack}: commented on work item ${open.id}`);
} else {
  const created = await call(
    "POST",
    `${project}/_apis/wit/workitems/$${encodeURIComponent(type)}?api-version=7.1`,
    [
      { op: "add", path: "/fields/System.Title", value: title },
      { op: "add", path: "/fields/System.Description", value: text },
      { op: "add", path: "/fields/System.Tags", value: "drift; ashk8s" },
    ],
    "application/json-patch+json",
  );
  console.log(`drift on ${stack}: opened work item ${created.id}`);
}
