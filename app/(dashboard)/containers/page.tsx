import { ContainersTable } from "@/components/containers/containers-table";
import { PageHeader } from "@/components/ui/page-header";
import { listAllContainers } from "@/lib/containers/list-all-containers";
import { listEngineViews } from "@/lib/engines/engine-registry";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function ContainersPage() {
  await requireUser();
  const [listing, engines] = await Promise.all([listAllContainers({}), listEngineViews()]);
  return (
    <>
      <PageHeader
        title="Containers"
        description="Every container on every registered Docker engine, running or stopped. Open one to see its configuration and the data it changed."
      />
      <ContainersTable initialContainers={listing.containers} initialEngines={engines} />
    </>
  );
}
