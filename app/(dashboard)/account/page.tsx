import { AccountPanel } from "@/components/account/account-panel";
import { PageHeader } from "@/components/ui/page-header";
import { listTokens } from "@/lib/auth/token-store";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Account" description="Who you are signed in as, and the API tokens that let your scripts call Kura as you." />
      <AccountPanel initialTokens={await listTokens(user.id)} />
    </>
  );
}
