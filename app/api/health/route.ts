// GET /api/health: is the database answering, and which engines are reachable (open; engine details only after sign-in)
import { getHealth } from "@/lib/api/contract/health";
import { Reply, route } from "@/lib/api/route";
import { db } from "@/lib/db";
import { listEngineViews } from "@/lib/engines/engine-registry";

export const dynamic = "force-dynamic";

export const GET = route(getHealth, async ({ caller }) => {
  let database: { ok: boolean; error?: string } = { ok: true };
  try {
    await db.$queryRawUnsafe("SELECT 1");
  } catch (error) {
    database = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const status = database.ok ? 200 : 503;
  // Open to anyone (for monitoring); who runs which engine is only for people who signed in.
  if (!caller) return new Reply({ ok: database.ok, database: { ok: database.ok } }, { status });
  const engines = database.ok
    ? (await listEngineViews()).map(({ id, name, endpoint, reachable, version, error }) => ({
        id,
        name,
        endpoint,
        reachable,
        version,
        ...(error ? { error } : {}),
      }))
    : [];
  return new Reply({ ok: database.ok, database, engines }, { status });
});
