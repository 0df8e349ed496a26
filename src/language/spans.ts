// Removing spans from a tree, to compare trees by meaning.

/** A deep copy of `node` without any `span` property. */
export function stripSpans<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n) => stripSpans(n)) as T;
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k !== "span") out[k] = stripSpans(v);
  }
  return out as T;
}
