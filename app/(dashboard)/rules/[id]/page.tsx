import Link from "next/link";
import { RuleSetEditor } from "@/components/rules/rule-set-editor";
import { Banner } from "@/components/ui/banner";
import { PageHeader } from "@/components/ui/page-header";
import { loadForPage } from "@/lib/api/load-for-page";
import { ruleSetIdParam } from "@/lib/api/schemas";
import { getRuleSet } from "@/lib/rules/rule-set-store";
import { requireUser } from "@/lib/auth/require-user";

export const dynamic = "force-dynamic";

export default async function RuleSetPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const { data: ruleSet, failure } = await loadForPage(ruleSetIdParam, await params, "That is not a valid rule set id.", ({ id }) =>
    getRuleSet(id),
  );
  return (
    <>
      <div className="mb-1 text-sm">
        <Link className="text-sky-700 hover:underline" href="/rules">
          Rule sets
        </Link>
      </div>
      {ruleSet ? (
        <>
          <PageHeader
            title={ruleSet.name}
            description="Rules apply top to bottom and the last one that matches a path decides. A pattern that matches a folder covers everything below it; '!' (include) can bring back a path below an excluded folder. Pick a container to see what each rule matches before saving."
          />
          <RuleSetEditor key={ruleSet.updatedAt} ruleSet={ruleSet} />
        </>
      ) : (
        <Banner tone="red" testId="page-error">
          {failure}
        </Banner>
      )}
    </>
  );
}
