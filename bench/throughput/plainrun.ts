/**
 * Plainrun as a subject of the throughput benchmark, through its public entry points only
 * (ARCHITECTURE.md: bench/ uses the public entry points): open a store (a new SQLite file
 * in a temp dir, or a fresh PostgreSQL schema), create and publish a process whose source
 * is one statement, `startRun` once per job (trigger api), and the engine's worker pool
 * with concurrency N executes them with the interpreter. Completion is read back through
 * the engine's run listing (no sleeping on a guess); start times are the `started_at`
 * the engine records when a worker claims a run (epoch milliseconds).
 */

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import {
  createEngine,
  type Engine,
  type RunPage,
  type SearchIndexerHandle,
  startSearchIndexer,
  type WorkerPoolHandle,
} from "../../src/engine/index.ts";
import { countRunsByStatus, openStore, type Store } from "../../src/store/index.ts";
import { dropSchema } from "./peers/pg.ts";
import { type OnStart, PG_URL, type Subject, sleep } from "./subject.ts";

export const SOURCE = "the done is true";

export interface PlainrunOptions {
  concurrency: number;
  enqueueConcurrency: number;
}

export async function createPlainrun(
  kind: "sqlite" | "postgres",
  opts: PlainrunOptions,
): Promise<Subject> {
  const schema = `plainrun_bench_engine_${process.pid}`;
  let dir: string | undefined;
  let store: Store | undefined;
  let engine: Engine | undefined;
  let pool: WorkerPoolHandle | undefined;
  // PLAINRUN_BENCH_SEARCH_INDEXER=1: the server's text search indexer runs beside the workers
  // (SQLite), as under `plainrun serve`, to show what indexing runs off the hot path costs.
  const withIndexer = process.env.PLAINRUN_BENCH_SEARCH_INDEXER === "1";
  let indexer: SearchIndexerHandle | undefined;
  let processId = "";
  let generation = 0;
  let stopped = false;
  // Surface the engine's own warnings and errors (a failing claim retries after pollMs,
  // which would otherwise only show up as a mysteriously low figure).
  let reported = 0;
  const report = (level: string) => (obj: object, msg?: string) => {
    reported += 1;
    if (reported <= 5) {
      const err = (obj as { err?: Error }).err;
      console.error(
        `  [plainrun ${kind} ${level}] ${msg ?? ""} ${err?.stack ?? JSON.stringify(obj)}`,
      );
    } else if (reported === 6)
      console.error(`  [plainrun ${kind}] more engine messages suppressed`);
  };
  const logger = { warn: report("warn"), error: report("error") };
  /** run id -> job index, to map recorded start times back to enqueue times. */
  const index = new Map<string, number>();

  return {
    name: kind,
    label: kind === "sqlite" ? "Plainrun (SQLite)" : "Plainrun (PostgreSQL)",
    notes: [
      `Plainrun ${kind}: one-statement process (\`${SOURCE}\`), published; startRun per run (trigger api); ` +
        `engine worker pool, concurrency N; executed by the interpreter with every state change stored; ` +
        (kind === "sqlite"
          ? "new SQLite file (WAL) per phase, in-process."
          : `fresh schema per phase, pool ${opts.concurrency + opts.enqueueConcurrency + 2}.`) +
        " Start time = the started_at the engine records at claim (ms precision).",
    ],

    async setup() {
      generation += 1;
      stopped = false;
      index.clear();
      if (kind === "sqlite") {
        dir = mkdtempSync(path.join(os.tmpdir(), "plainrun-bench-"));
        store = await openStore({ url: path.join(dir, "plainrun.db") });
      } else {
        await dropSchema(schema);
        store = await openStore({
          url: PG_URL,
          schema,
          poolSize: opts.concurrency + opts.enqueueConcurrency + 2,
        });
        // PLAINRUN_BENCH_PG_SEARCH_INDEX=0: without the runs' pg_trgm index (migration 009),
        // to show what keeping it costs the run transactions.
        if (process.env.PLAINRUN_BENCH_PG_SEARCH_INDEX === "0") {
          await sql`drop index if exists runs_search_trgm`.execute(
            store.db as unknown as Kysely<unknown>,
          );
        }
      }
      engine = createEngine({ store, logger });
      const proc = await engine.processes.create({
        name: `bench throughput ${generation}`,
        source: SOURCE,
      });
      processId = proc.id;
      await engine.processes.publish(processId);
    },

    async startWorkers(concurrency: number, _onStart: OnStart) {
      pool = await engine!.startWorkers({ concurrency });
      if (withIndexer) indexer = startSearchIndexer(store!, logger);
    },

    async enqueue(i: number) {
      const run = await engine!.startRun({
        process: processId,
        stage: "published",
        trigger: { type: "api", details: { bench: i } },
      });
      index.set(run.id, i);
    },

    async waitCompleted(total: number) {
      // Wait until the engine lists no run that is not final. Poll adaptively: rarely while
      // many runs remain, every couple of ms near the end, so the clock stops on time
      // without stealing the (single, for SQLite) event loop from the workers.
      let last = { at: performance.now(), left: Number.POSITIVE_INFINITY };
      while (!stopped) {
        if (index.size >= total) {
          const page = await engine!.runs.list({ status: ["Pending", "Running"], limit: 1 });
          if (page.items.length === 0) break;
        }
        const counts = await countRunsByStatus(store!.db);
        const left = total - (counts.Succeeded ?? 0) - (counts.Failed ?? 0);
        const now = performance.now();
        const rate = Number.isFinite(last.left) ? (last.left - left) / (now - last.at) : 0;
        last = { at: now, left };
        const eta = rate > 0 ? left / rate : 50;
        await sleep(Math.max(1, Math.min(100, eta / 2)));
      }
      const counts = await countRunsByStatus(store!.db);
      const ok = counts.Succeeded ?? 0;
      if (ok < total) {
        throw new Error(
          `Plainrun ${kind}: ${ok}/${total} runs Succeeded (${JSON.stringify(counts)})`,
        );
      }
    },

    async startTimes() {
      const out = new Map<number, number>();
      let cursor: string | null = null;
      do {
        const page: RunPage = await engine!.runs.list({
          limit: 500,
          ...(cursor ? { cursor } : {}),
        });
        for (const r of page.items) {
          const i = index.get(r.id);
          if (i !== undefined && r.started_at) out.set(i, Date.parse(r.started_at));
        }
        cursor = page.next_cursor;
      } while (cursor);
      return out;
    },

    async teardown() {
      stopped = true;
      const p = pool;
      const e = engine;
      const s = store;
      pool = undefined;
      engine = undefined;
      store = undefined;
      await indexer?.stop();
      indexer = undefined;
      if (p) await p.stop({ graceMs: 0 });
      if (e) await e.close();
      if (s) await s.close();
      if (kind === "postgres") await dropSchema(schema);
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
