"use client";
import { useSession } from "@/components/session/use-session";
import { Banner } from "@/components/ui/banner";
import { DataTable } from "@/components/ui/data-table";
import type { UserView } from "@/lib/auth/user-store";
import { useUsers } from "@/lib/queries/use-users";
import { NewUserForm } from "./new-user-form";
import { UserRow } from "./user-row";

/** Everyone who can sign in (admins only): roles, disabling, passwords, and adding people. */
export function UsersPanel({ initial }: { initial: UserView[] }) {
  const users = useUsers(initial);
  const { user: you } = useSession();
  return (
    <div className="space-y-6">
      {users.error ? <Banner tone="red">Cannot list the users: {users.error.message}</Banner> : null}
      <div data-testid="users-table">
        <DataTable columns={[{ label: "Name" }, { label: "Role" }, { label: "Access" }, { label: "Password" }, { label: "Added" }]}>
          {(users.data ?? initial).map((user) => (
            <UserRow key={user.id} user={user} isYou={user.id === you.id} />
          ))}
        </DataTable>
      </div>
      <NewUserForm />
    </div>
  );
}
