import Link from "next/link";
import { redirect } from "next/navigation";
import { EntryCard } from "@/components/session/entry-card";
import { SetupForm } from "@/components/session/setup-form";
import { Banner } from "@/components/ui/banner";
import { getCurrentUser } from "@/lib/auth/current-user";
import { countUsers } from "@/lib/auth/user-store";

export const dynamic = "force-dynamic";

export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  if (await getCurrentUser()) redirect("/overview");
  const token = (await searchParams).token;
  if ((await countUsers()) > 0)
    return (
      <EntryCard title="Kura is set up">
        <p className="text-sm text-slate-600">
          Kura already has users.{" "}
          <Link className="font-medium text-sky-700 hover:underline" href="/sign-in">
            Sign in
          </Link>{" "}
          instead; an admin adds further users on the Users page.
        </p>
      </EntryCard>
    );
  return (
    <EntryCard
      title="Create the first admin"
      subtitle="Kura has no users yet. This admin then adds the others, each with a role: viewer, operator or admin."
    >
      {typeof token === "string" && token ? (
        <SetupForm token={token} />
      ) : (
        <Banner tone="amber" testId="setup-no-token">
          Open the link with the one-time token that Kura printed in its log at start (<code className="font-mono">/setup?token=…</code>).
          Restart Kura to print a new one.
        </Banner>
      )}
    </EntryCard>
  );
}
