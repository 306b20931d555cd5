import { OverviewView } from "@/components/overview/overview-view";
import { PageHeader } from "@/components/ui/page-header";
import { getOverview } from "@/lib/overview/get-overview";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Overview"
        description="The services Kura keeps, what their archives cost in storage compared with keeping the full images, when each was last verified and restored, and the jobs that failed recently."
      />
      <OverviewView initial={await getOverview()} />
    </>
  );
}
