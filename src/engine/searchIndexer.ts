// The background indexer of the runs list's text search (SQLite; store/queries/runSearch.ts):
// off the hot path, it indexes the runs stored or finished since its last pass, a small
// batch per write transaction, back to back while there is work and every `everyMs` once
// it is up to date. Searches stay exact meanwhile (they read what it has not indexed yet).
import { indexRunSearch, pgSearchIndexed, type Store } from "../store/index.ts";
import type { Logger } from "./worker/pool.ts";

const PG_NO_INDEX =
  "PostgreSQL: the pg_trgm extension could not be created, so the runs list's text search reads every run. " +
  "Install it (Debian: postgresql-contrib) and, as a user allowed to, run: CREATE EXTENSION pg_trgm; " +
  "CREATE INDEX runs_search_trgm ON runs USING gin (search_text gin_trgm_ops);";

export interface SearchIndexerHandle {
  /** Ends the loop after the batch in progress (if any). */
  stop(): Promise<void>;
  /** Resolves once the index covers every run stored before the call (tests, benches). */
  caughtUp(): Promise<void>;
}

export function startSearchIndexer(
  store: Store,
  logger: Logger,
  everyMs = 1000,
): SearchIndexerHandle | undefined {
  if (store.dialect.name !== "sqlite") {
    // PostgreSQL keeps its own index (pg_trgm, migration 009); where it could not be made,
    // say once that searches read every run, and how to add it.
    void pgSearchIndexed(store.db).then(
      (indexed) => {
        if (!indexed) logger.warn({}, PG_NO_INDEX);
      },
      () => {},
    );
    return undefined;
  }
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Batches run one at a time, in call order; each says whether it indexed anything.
  let chain: Promise<boolean> = Promise.resolve(false);
  const batch = () => {
    chain = chain.then(async () => {
      try {
        return (await store.dialect.writeTransaction((trx) => indexRunSearch(trx))) > 0;
      } catch (err) {
        logger.warn({ err }, "the search indexer failed; it tries again");
        return false;
      }
    });
    return chain;
  };
  const loop = async () => {
    timer = undefined;
    const more = await batch();
    if (stopped) return;
    // Back to back while catching up, yielding to the event loop between batches.
    timer = setTimeout(loop, more ? 0 : everyMs);
    timer.unref();
  };
  void loop();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain;
    },
    async caughtUp() {
      // A batch that starts after the call and finds nothing: everything before is indexed.
      while (!stopped && (await batch())) {}
    },
  };
}
