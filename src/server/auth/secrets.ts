// Random secrets and their fast hashes. API keys and session ids are 32 random bytes, so a
// single sha-256 is enough to store them safely and lets each request be checked quickly.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const KEY_PREFIX = "prk_";

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function newApiKeySecret(): string {
  return `${KEY_PREFIX}${randomSecret(32)}`;
}

/** Compares two strings in constant time (for CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
