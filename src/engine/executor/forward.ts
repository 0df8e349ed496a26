// Cross-thread signals ride on the store's notify/listen: the API thread's notify() (new runs,
// answers, cancels) is posted to the executors, whose listen() hears it as it would hear
// PostgreSQL's NOTIFY from another process.
import type { Store } from "../../store/index.ts";

/** A store whose notify() also reaches `send` (after the current commit). */
export function forwardNotifications(
  store: Store,
  send: (channel: string, payload: string) => void,
): Store {
  const dialect = store.dialect;
  return {
    ...store,
    dialect: {
      ...dialect,
      async notify(db, channel, payload) {
        await dialect.notify(db, channel, payload);
        // notify() is called inside the transaction: deliver once it has committed.
        setImmediate(() => send(channel, payload));
      },
    },
  };
}
