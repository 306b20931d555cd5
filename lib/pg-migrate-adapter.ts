// The PostgreSQL adapter Prisma's migrate CLI uses (prisma.config.ts), not the app's (lib/db.ts uses PrismaPg as is).
// @prisma/adapter-pg 6.x cannot describe result columns of PostgreSQL's catalog types `name` and `"char"`, which the
// schema engine reads while inspecting the database ("Column type 'name' could not be deserialized",
// prisma/orm#27403; no 6.x release fixes it). Both hold plain text, so their results are reported as text. And the
// adapter runs a script by splitting it on every ";" (which breaks on a semicolon inside a string), so a migration
// file is sent as one query instead.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

function asText<T>(result: T): T {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of (one as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? []) {
      if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

type Query = (...args: unknown[]) => Promise<unknown>;

function patchQuery(target: { query: unknown }): void {
  const query = (target.query as Query).bind(target);
  target.query = async (...args: unknown[]) => asText(await query(...args));
}

class CatalogTextPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super(config);
    patchQuery(this as unknown as { query: unknown });
    this.on("connect", (client) => patchQuery(client as unknown as { query: unknown }));
  }
}

type ScriptRunner = { executeScript(script: string): Promise<void>; underlyingDriver(): unknown; dispose(): Promise<void> };

/** A PrismaPg factory for the migrate CLI (`migrate deploy`, `migrate diff --from-migrations`) on `url`. */
export function pgMigrateAdapter(url: string): PrismaPg {
  const factory = new PrismaPg(new CatalogTextPool({ connectionString: url }), { disposeExternalPool: true });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const runner = adapter as unknown as ScriptRunner;
    runner.executeScript = async (script: string) => {
      await (runner.underlyingDriver() as pg.Pool).query(script);
    };
    return adapter;
  };
  // The adapter's own shadow database keeps the connection string, whose database name wins over the shadow's: it
  // would apply the migrations to the real database. This one connects to the shadow database it made.
  factory.connectToShadowDb = async () => {
    const main = (await factory.connect()) as unknown as ScriptRunner;
    const name = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`;
    await main.executeScript(`CREATE DATABASE "${name}"`);
    const shadowUrl = new URL(url);
    shadowUrl.pathname = `/${name}`;
    const shadow = await pgMigrateAdapter(shadowUrl.toString()).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE "${name}"`);
      await main.dispose();
    };
    return shadow;
  };
  return factory;
}
