import Link from "next/link";
import { RestoreResult } from "@/components/restores/restore-result";
import { Banner } from "@/components/ui/banner";
import { loadForPage } from "@/lib/api/load-for-page";
import { restoreParams } from "@/lib/api/schemas";
import { getRestore } from "@/lib/restores/restore-registry";
import { maskRestoreFor } from "@/lib/auth/mask-for-role";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function RestorePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { data: restore, failure } = await loadForPage(restoreParams, await params, "That is not a valid restore id.", async ({ id }) =>
    maskRestoreFor(user.role, await getRestore(id)),
  );
  if (restore) return <RestoreResult restoreId={restore.id} initial={restore} />;
  return (
    <>
      <div className="mb-1 text-sm">
        <Link className="text-sky-700 hover:underline" href="/archives">
          Archives
        </Link>
      </div>
      <Banner tone="red" testId="page-error">
        {failure}
      </Banner>
    </>
  );
}
