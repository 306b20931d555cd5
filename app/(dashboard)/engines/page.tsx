import { EnginesPanel } from "@/components/engines/engines-panel";
import { PageHeader } from "@/components/ui/page-header";
import { listEngineViews } from "@/lib/engines/engine-registry";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function EnginesPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Engines"
        description="The Docker engines Kura reads containers from. The local engine (DOCKER_HOST, else /var/run/docker.sock) is always here; add remote ones by socket, TCP (with TLS) or SSH."
      />
      <EnginesPanel initialEngines={await listEngineViews()} />
    </>
  );
}
