// An engine on a fresh test store, with helpers to publish a process and to take a
// snapshot of every table (to assert that a refused request changed nothing).
import { createEngine, type Engine, type EngineOptions } from "../../src/engine/index.ts";
import { createTestStore, type TestDialect, type TestStore } from "./stores.ts";

export interface TestEngine {
  t: TestStore;
  engine: Engine;
  cleanup(): Promise<void>;
}

export async function createTestEngine(
  dialect: TestDialect,
  opts: Omit<EngineOptions, "store"> = {},
): Promise<TestEngine> {
  const t = await createTestStore(dialect);
  const engine = createEngine({ store: t.store, ...opts });
  return {
    t,
    engine,
    async cleanup() {
      await engine.close();
      await t.cleanup();
    },
  };
}

/** Creates a process with this source and publishes it as v1. */
export async function publishedProcess(engine: Engine, name: string, source: string) {
  const p = await engine.processes.create({ name, source });
  await engine.processes.publish(p.id);
  return engine.processes.get(p.id);
}

const TABLES = [
  "processes",
  "sources",
  "versions",
  "runs",
  "run_events",
  "files",
  "idempotency_keys",
] as const;

/** Every row of every table, in a stable order, as text. */
export async function snapshot(engine: Engine): Promise<string> {
  const db = engine.store.db;
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    out[table] = rows
      .map((r) =>
        JSON.stringify(r, (_k, v) =>
          v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
        ),
      )
      .sort();
  }
  return JSON.stringify(out);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until fn returns a value that is not undefined. The bound is a hang detector, not a
 * speed requirement: generous, as a loaded machine can be ten times slower than an idle one.
 */
export async function until<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 20,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting (${timeoutMs / 1000} s)`);
    await sleep(everyMs);
  }
}
