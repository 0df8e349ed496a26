// Files: content-addressed blobs (id = sha-256 of the bytes), bounded in size.
import { getFileMetas, getFiles, insertFiles, type Store } from "../store/index.ts";
import { EngineError } from "./errors.ts";
import { sha256 } from "./ids.ts";
import type { EngineLimits } from "./limits.ts";

export interface StoredFile {
  id: string;
  name: string;
  type: string;
  size: number;
}

export class FileService {
  constructor(
    private readonly store: Store,
    private readonly limits: EngineLimits,
  ) {}

  async put(bytes: Uint8Array, meta: { name: string; type?: string }): Promise<StoredFile> {
    if (!(bytes instanceof Uint8Array))
      throw new EngineError("invalid", "A file's content must be bytes.");
    if (typeof meta?.name !== "string" || !meta.name.trim()) {
      throw new EngineError("invalid", "A file needs a name.");
    }
    if (bytes.byteLength > this.limits.maxFileBytes) {
      throw new EngineError(
        "too_large",
        `File "${meta.name}" is ${bytes.byteLength} bytes; the limit is ${this.limits.maxFileBytes}.`,
      );
    }
    const file = {
      id: sha256(bytes),
      name: meta.name,
      type: meta.type || "application/octet-stream",
      size: bytes.byteLength,
    };
    await insertFiles(this.store.db, [{ ...file, bytes, created_at: Date.now() }]);
    return file;
  }

  async get(id: string): Promise<StoredFile & { bytes: Uint8Array }> {
    const [row] = await getFiles(this.store.db, [id]);
    if (!row) throw new EngineError("not_found", `No file with id "${id}".`);
    return { id: row.id, name: row.name, type: row.type, size: row.size, bytes: row.bytes };
  }

  async meta(id: string): Promise<StoredFile> {
    const [row] = await getFileMetas(this.store.db, [id]);
    if (!row) throw new EngineError("not_found", `No file with id "${id}".`);
    return { id: row.id, name: row.name, type: row.type, size: row.size };
  }
}
