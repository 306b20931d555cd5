import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getCurrentUser } from "@/lib/auth/current-user";
import type { UserView } from "@/lib/auth/user-store";
import { PATH_HEADER } from "./path-header";
import { safeNextPath } from "./safe-next-path";

/**
 * The signed-in user of the page being rendered; with nobody signed in, the sign-in page (and
 * back here afterwards). The dashboard layout AND every dashboard page call it: Next.js renders
 * a page even when its layout redirects, and on client navigation only the page renders, so a
 * page that loads data must check for itself. `cache` makes it one lookup per request.
 */
export const requireUser = cache(async (): Promise<UserView> => {
  const user = await getCurrentUser();
  if (user) return user;
  const next = safeNextPath((await headers()).get(PATH_HEADER));
  redirect(next ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in");
});
