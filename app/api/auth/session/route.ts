// GET /api/auth/session: who is signed in (null when nobody), and whether Kura still waits for its first admin (open route)
import { getSession } from "@/lib/api/contract/auth";
import { route } from "@/lib/api/route";
import { setupPending } from "@/lib/auth/first-admin";

export const dynamic = "force-dynamic";

export const GET = route(getSession, async ({ caller }) => ({
  user: caller?.user ?? null,
  via: caller?.via ?? null,
  setupPending: setupPending(),
}));
