// An in-memory, content-addressed file host (sha-256 hex refs) for the CLI and tests.
import { createHash } from "node:crypto";
import type { FileHost, FileValue } from "./types.ts";

export class MemoryFiles implements FileHost {
  private readonly blobs = new Map<string, Uint8Array>();

  put(bytes: Uint8Array, name: string, type: string): FileValue {
    const ref = createHash("sha256").update(bytes).digest("hex");
    if (!this.blobs.has(ref)) this.blobs.set(ref, bytes);
    return { k: "file", name, type, size: bytes.byteLength, ref };
  }

  read(ref: string): Uint8Array | undefined {
    return this.blobs.get(ref);
  }
}
