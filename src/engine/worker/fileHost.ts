// The files a run uses, read from the store before it executes: the interpreter reads
// bytes synchronously, between statements.
import type { FileHost } from "../../interpreter/types.ts";
import { getFiles, type Store } from "../../store/index.ts";

export async function loadFileHost(store: Store, ids: readonly string[]): Promise<FileHost> {
  const blobs = new Map<string, Uint8Array>();
  for (const f of await getFiles(store.db, ids)) blobs.set(f.id, f.bytes);
  return { read: (ref) => blobs.get(ref) };
}
