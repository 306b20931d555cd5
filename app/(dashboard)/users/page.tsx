import { UsersPanel } from "@/components/users/users-panel";
import { Banner } from "@/components/ui/banner";
import { PageHeader } from "@/components/ui/page-header";
import { allows } from "@/lib/auth/roles";
import { listUsers } from "@/lib/auth/user-store";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const user = await requireUser();
  const header = (
    <PageHeader
      title="Users"
      description="Who can sign in, and with which role: a viewer sees everything and changes nothing; an operator also curates, archives, verifies, restores and imports; an admin also manages engines, users, rule sets and migration rules, and deletes archives. Kura always keeps at least one active admin."
    />
  );
  if (!allows(user.role, "admin"))
    return (
      <>
        {header}
        <Banner tone="red" testId="forbidden">
          Managing users needs the admin role; you are signed in as {user.name}, {user.role === "operator" ? "an" : "a"} {user.role}.
        </Banner>
      </>
    );
  return (
    <>
      {header}
      <UsersPanel initial={await listUsers()} />
    </>
  );
}
