/**
 * Stable hashes: a point is identified by the SHA-256 of the canonical JSON
 * (object keys sorted, no whitespace) of its resolved config, in which files
 * are named by their content hash, not their path, so the same point hashes
 * the same on every machine and checkout. 16 hex digits (64 bits) are kept.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** Bumped when the meaning of a resolved config changes, so old results are not reused. */
export const HASH_VERSION = 1;

/** JSON with object keys sorted at every level. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
}

export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The 16-hex-digit hash of a resolved config. */
export function configHash(resolved: unknown): string {
  return sha256(canonicalJson({ v: HASH_VERSION, ...(resolved as object) })).slice(0, 16);
}

const fileHashes = new Map<string, string>();

/** "sha256:HEX" of a file's bytes (cached per path for the life of the process). */
export function fileHash(path: string): string {
  let h = fileHashes.get(path);
  if (h === undefined) {
    h = `sha256:${sha256(readFileSync(path))}`;
    fileHashes.set(path, h);
  }
  return h;
}
