/**
 * The guards as the engine receives them, for one shipped stack: the whole program under graph
 * mocks, then which resources are protected, kept on delete, and what MongoDB's volume looks like.
 */
import { GraphNode, installGraphMocks, resolveExports } from "../graph/graph";
import { mocksFor } from "../graph/program";

export function programGraph(stack: "seattle" | "local"): () => Promise<GraphNode[]> {
  const { nodes, settled } = installGraphMocks(mocksFor(stack));
  return async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await resolveExports((await require("../../index")) as Record<string, unknown>);
    await settled();
    return nodes;
  };
}

/** `<type> <name>` of every node with the option set. */
export function withOption(nodes: GraphNode[], option: string): string[] {
  return nodes
    .filter((n) => n.options?.[option])
    .map((n) => n.urn.split("::").slice(-2).join(" ").replace(/^.*\$/, ""))
    .sort();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Inputs = any;

/** The one node of a type, e.g. "kubernetes:apps/v1:StatefulSet". */
export function only(nodes: GraphNode[], type: string): GraphNode & { inputs: Inputs } {
  const found = nodes.filter((n) => n.urn.split("::")[2].endsWith(type));
  if (found.length !== 1) throw new Error(`${found.length} nodes of type ${type}`);
  return found[0] as GraphNode & { inputs: Inputs };
}
