import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DATA_DIR } from "@/db/data-dir";

/** Secrets the product needs, with how each is produced when the embedded default generates it. */
const SECRETS = {
  AUTH_SECRET: () => crypto.randomBytes(32).toString("base64url"),
  /** 32 bytes, base64: the AES-256-GCM key for portal tokens. */
  TOKEN_ENCRYPTION_KEY: () => crypto.randomBytes(32).toString("base64"),
} as const;

export type SecretName = keyof typeof SECRETS;

/** A deployment on PostgreSQL in production mode must be configured; the embedded default configures itself. */
export function isConfiguredDeployment() {
  return process.env.NODE_ENV === "production" && Boolean(process.env.DATABASE_URL);
}

let generated: Partial<Record<SecretName, string>> | undefined;

/**
 * Reads a secret from the environment. In the embedded default a missing secret is generated once and kept in
 * `.data/secrets.json`, so sessions and encrypted tokens survive restarts; in production it is a start-up error.
 */
export function getSecret(name: SecretName): string {
  const fromEnv = process.env[name];
  if (fromEnv) return fromEnv;
  if (isConfiguredDeployment()) {
    throw new Error(
      `${name} is not set. Production deployments (DATABASE_URL with NODE_ENV=production) must set it; see README "Production".`,
    );
  }
  const file = path.join(DATA_DIR, "secrets.json");
  if (!generated) {
    generated = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as typeof generated) : {};
  }
  if (!generated![name]) {
    generated![name] = SECRETS[name]();
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  }
  return generated![name]!;
}

/** Checks every required secret at start-up so a misconfigured production deployment fails loudly and early. */
export function assertSecrets(): void {
  for (const name of Object.keys(SECRETS) as SecretName[]) getSecret(name);
}
