import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { createApiKey, KeyError, listKeys, revokeKey } from "../../server/auth/apiKeys.ts";
import { resolveConfig, SETTINGS, storeUrl } from "../../server/config.ts";
import { openStore, type Store } from "../../store/index.ts";
import { CliError } from "../errors.ts";

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

/** KeyError is a refusal (exit 1) stated as the store gave it. */
function refusal(err: unknown): never {
  if (err instanceof KeyError) throw new CliError(err.message.replace(/\.$/, ""));
  throw err;
}

/** `plainrun keys create|list|revoke`: API keys, on the same data dir / database as serve. */
export function registerKeys(keys: Command): void {
  storeOptions(
    keys
      .command("create")
      .description("create an API key; its secret is printed once, as the last line")
      .argument("<name>", "a name to recognize the key by"),
  ).action(async (name: string, flags: Record<string, unknown>) => {
    const { key, sameName } = await withStore(flags, async (s) => {
      const sameName = (await listKeys(s)).filter((k) => !k.revoked_at && k.name === name.trim());
      return { key: await createApiKey(s, name, "cli"), sameName };
    }).catch(refusal);
    if (sameName.length > 0) {
      // On stderr, so that the secret stays the last line of stdout.
      process.stderr.write(
        `plainrun: warning: ${sameName.length === 1 ? "another active key has" : `${sameName.length} other active keys have`} the name "${key.name}" (${sameName.map((k) => k.id).join(", ")}); revoke by id to tell them apart\n`,
      );
    }
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
    const key = await withStore(flags, (s) => revokeKey(s, idOrName)).catch(refusal);
    process.stdout.write(`Revoked API key "${key.name}" (id ${key.id}).\n`);
  });
}
