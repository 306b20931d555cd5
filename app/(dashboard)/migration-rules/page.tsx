import { MigrationRulesEditor } from "@/components/migration-rules/migration-rules-editor";
import { PageHeader } from "@/components/ui/page-header";
import { listMigrationRules } from "@/lib/restores/migration-rule-store";
import { requireUser } from "@/lib/auth/require-user";
import { CaptureRecipesPanel } from "@/components/capture-recipes/capture-recipes-panel";
import { listCaptureRecipes } from "@/lib/captures/capture-recipe-store";

export const dynamic = "force-dynamic";

export default async function MigrationRulesPage() {
  await requireUser();
  return (
    <>
      <PageHeader
        title="Migration rules"
        description={
          <>
            A newer base image often brings a newer version of a package, and a newer version may keep its data elsewhere: a file moves, a
            configuration key is renamed, a cache must go. A migration rule says what to do to the restored data when a package goes from
            one version range to another (ranges look like <code className="font-mono">&lt; 4</code>,{" "}
            <code className="font-mono">&gt;= 4</code>, <code className="font-mono">&gt;= 2.2, &lt; 2.4</code> or{" "}
            <code className="font-mono">*</code>). A restore plan lists the rules for the archived packages; the ones that apply run in the
            restore script after the files are copied back. Built-in rules ship with Kura: they can be switched off but not edited. Add your
            own below.
          </>
        }
      />
      <MigrationRulesEditor initial={await listMigrationRules()} />
      <div className="mt-8">
        <CaptureRecipesPanel initial={await listCaptureRecipes()} />
      </div>
    </>
  );
}
