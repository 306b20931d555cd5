import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

// Passwords are hashed with argon2id (@node-rs/argon2, its defaults: 19 MiB, 2 passes). Session ids and
// API tokens are long random strings, so a SHA-256 of them is enough to store: the database never
// holds a usable secret.

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A new random secret (43 URL-safe characters) with a readable prefix, e.g. "kura_…" for API tokens. */
export function newSecret(prefix = ""): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
