// GET /api/users: everyone who can sign in. POST: add a user with a role (admin)
import { createUser as createEntry, listUsers as listEntry } from "@/lib/api/contract/users";
import { route } from "@/lib/api/route";
import { createUser, listUsers } from "@/lib/auth/user-store";

export const dynamic = "force-dynamic";

export const GET = route(listEntry, async () => listUsers());

export const POST = route(createEntry, async ({ body, actor }) => createUser(body, actor));
