import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { createApiKey, KeyError, listKeys, revokeKey } from "../../server/auth/apiKeys.ts";
import { resolveConfig, SETTINGS, storeUrl } from "../../server/config.ts";
import { openStore, type Store } from "../../store/index.ts";

async function withStore<T>(
  flags: Record<string, unknown>,
  fn: (s: Store) => Promise<T>,
): Promise<T> {
  const config = resolveConfig(flags);
  if (!config.databaseUrl) mkdirSync(resolve(config.dataDir), { recursive: true });
  const store = await openStore({ url: storeUrl(config), poolSize: 2 });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function storeOptions(cmd: Command): Command {
  for (const s of SETTINGS) {
    if (s.store && s.flag) cmd.option(s.flag, `${s.meaning.replace(/`/g, "")} [${s.env}]`);
  }
  return cmd;
}

function fail(err: unknown): never {
  if (err instanceof KeyError) {
    process.stderr.write(`plainrun keys: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

/** `plainrun keys create|list|revoke`: API keys, on the same data dir / database as serve. */
export function registerKeys(program: Command): void {
  const keys = program
    .command("keys")
    .description("manage API keys (on the server's data dir or database)");

  storeOptions(
    keys
      .command("create")
      .description("create an API key; its secret is printed once, as the last line")
      .argument("<name>", "a name to recognize the key by"),
  ).action(async (name: string, flags: Record<string, unknown>) => {
    const key = await withStore(flags, (s) => createApiKey(s, name, "cli")).catch(fail);
    process.stdout.write(`Created API key "${key.name}" (id ${key.id}).\n`);
    process.stdout.write("Keep the secret now: it is not stored and cannot be shown again.\n");
    process.stdout.write(`${key.secret}\n`);
  });

  storeOptions(keys.command("list").description("list API keys (never their secrets)"))
    .option("--json", "one JSON array")
    .action(async (flags: Record<string, unknown>) => {
      const list = await withStore(flags, listKeys);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(list)}\n`);
        return;
      }
      if (list.length === 0) process.stdout.write("No API keys.\n");
      for (const k of list) {
        const state = k.revoked_at
          ? `revoked ${k.revoked_at}`
          : `last used ${k.last_used_at ?? "never"}`;
        process.stdout.write(
          `${k.id}  ${k.prefix}…  ${k.name}  created ${k.created_at}  ${state}\n`,
        );
      }
    });

  storeOptions(
    keys
      .command("revoke")
      .description("revoke an API key by id (or by name when one active key has it)")
      .argument("<id-or-name>"),
  ).action(async (idOrName: string, flags: Record<string, unknown>) => {
    const key = await withStore(flags, (s) => revokeKey(s, idOrName)).catch(fail);
    process.stdout.write(`Revoked API key "${key.name}" (id ${key.id}).\n`);
  });
}
