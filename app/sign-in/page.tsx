import { redirect } from "next/navigation";
import { EntryCard } from "@/components/session/entry-card";
import { SignInForm } from "@/components/session/sign-in-form";
import { getCurrentUser } from "@/lib/auth/current-user";
import { setupPending } from "@/lib/auth/first-admin";
import { countUsers } from "@/lib/auth/user-store";
import { safeNextPath } from "@/lib/auth/safe-next-path";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const requested = (await searchParams).next;
  const next = safeNextPath(typeof requested === "string" ? requested : null) ?? "/overview";
  if (await getCurrentUser()) redirect(next);
  const firstAdminPending = setupPending() && (await countUsers()) === 0;
  return (
    <EntryCard title="Sign in" subtitle="Kura keeps retired services' data; sign in to see it.">
      <SignInForm next={next} firstAdminPending={firstAdminPending} />
    </EntryCard>
  );
}
