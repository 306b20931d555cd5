// PUT /api/users/{id}: change a user's role, password or disabled flag (admin)
import { updateUser as updateEntry } from "@/lib/api/contract/users";
import { route } from "@/lib/api/route";
import { updateUser } from "@/lib/auth/user-store";

export const dynamic = "force-dynamic";

export const PUT = route(updateEntry, async ({ params, body, actor }) => updateUser(params.id, body, actor));
