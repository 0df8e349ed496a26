// A ready-to-paste curl example that starts this process with its inputs.
import type { Process } from "../../api/client";

export function ApiPanel({ process }: { process: Process }) {
  const origin = window.location.origin;
  const inputs = Object.fromEntries(process.inputs.map((n) => [n, "…"]));
  const body = JSON.stringify({ process: process.name, inputs });
  const quoted = body.replace(/'/g, "'\\''");
  const example = `curl -s -X POST ${origin}/api/v2/runs \\
  -H "x-api-key: $PLAINRUN_KEY" -H 'content-type: application/json' \\
  -d '${quoted}'`;
  return (
    <section className="card" aria-labelledby="h-api">
      <h2 id="h-api">API</h2>
      <p className="muted">
        Start this process from another program (create a key under Settings). The answer is the new
        run (202); read it at <code>/api/v2/runs/RUN_ID</code>.
      </p>
      <pre>{example}</pre>
      <p>
        <a href="/api/docs">API documentation</a>
      </p>
    </section>
  );
}
