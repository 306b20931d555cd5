import Link from "next/link";
import { RestoreResult } from "@/components/restores/restore-result";
import { Banner } from "@/components/ui/banner";
import { AppError } from "@/lib/api/app-error";
import { restoreParams } from "@/lib/api/schemas";
import type { RestoreView } from "@/lib/restores/types";
import { getRestore } from "@/lib/restores/restore-registry";
import { requireUser } from "@/lib/session/require-user";

export const dynamic = "force-dynamic";

export default async function RestorePage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const parsed = restoreParams.safeParse(await params);
  let restore: RestoreView | undefined;
  let failure = parsed.success ? null : "That is not a valid restore id.";
  if (parsed.success) {
    try {
      restore = await getRestore(parsed.data.id);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      failure = error.message;
    }
  }
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
