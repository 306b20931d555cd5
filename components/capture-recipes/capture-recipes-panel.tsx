"use client";
import { useState } from "react";
import { needsRole, useCan } from "@/components/session/use-session";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import type { CaptureRecipe, CaptureRecipeInput } from "@/lib/queries/api-types";
import { useCaptureRecipes } from "@/lib/queries/use-capture-recipes";
import { useCreateCaptureRecipe } from "@/lib/queries/use-create-capture-recipe";
import { useDeleteCaptureRecipe } from "@/lib/queries/use-delete-capture-recipe";

const EXAMPLE = JSON.stringify(
  {
    id: "sqlite-app",
    service: "App SQLite",
    packages: "^sqlite3$",
    user: "root",
    argv: ["sqlite3", "/srv/app/app.db", ".dump"],
    versionArgv: ["sqlite3", "--version"],
    format: "sql",
    timeoutSeconds: 600,
  },
  null,
  2,
);

/** Issue 15: capture recipes (built-in and admins' own), listed beside the migration rules; operators add and delete. */
export function CaptureRecipesPanel({ initial }: { initial?: CaptureRecipe[] }) {
  const recipes = useCaptureRecipes(initial);
  const canEdit = useCan("operator");
  const remove = useDeleteCaptureRecipe();
  return (
    <section className="space-y-3" data-testid="capture-recipes">
      <h2 className="text-base font-semibold text-slate-800">Capture recipes</h2>
      <p className="text-sm text-slate-600">
        Before an archive copies a running container&apos;s files, the recipes its packages match run inside it (docker exec, never on
        Kura&apos;s host): the dump they print is the database&apos;s consistent copy, kept beside the raw files and listed in the manifest
        with the server&apos;s version.
      </p>
      {recipes.error ? <Banner tone="red">Cannot list the capture recipes: {recipes.error.message}</Banner> : null}
      {remove.error ? <Banner tone="red">{remove.error.message}</Banner> : null}
      <DataTable
        columns={[{ label: "Recipe" }, { label: "Packages" }, { label: "Command (as user)" }, { label: "Output" }, {}]}
        cellPadding="px-3 py-2"
      >
        {(recipes.data ?? []).map((recipe) => (
          <tr key={recipe.id} data-testid="capture-recipe-row" data-recipe={recipe.id} className="align-top text-xs">
            <td className="px-3 py-2">
              <strong>{recipe.service}</strong> <span className="font-mono text-slate-500">{recipe.id}</span>
              {recipe.builtIn ? <span className="ml-1 text-slate-400">(built in)</span> : null}
            </td>
            <td className="px-3 py-2 font-mono">{recipe.packages}</td>
            <td className="px-3 py-2 font-mono">
              {recipe.eachArgv ? <span className="text-slate-500">for each of `{recipe.eachArgv.join(" ")}`: </span> : null}
              {recipe.argv.join(" ")} <span className="text-slate-500">({recipe.user})</span>
            </td>
            <td className="px-3 py-2">{recipe.format === "none" ? "none (makes the files consistent)" : recipe.format}</td>
            <td className="px-3 py-2 text-right">
              {!recipe.builtIn && canEdit ? (
                <Button variant="secondary" disabled={remove.isPending} onClick={() => remove.mutate(recipe.id)}>
                  Delete
                </Button>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
      {canEdit ? (
        <NewCaptureRecipe />
      ) : (
        <p className="text-sm text-slate-500">{needsRole("operator", "Adding or deleting capture recipes")}</p>
      )}
    </section>
  );
}

/** A recipe is data: its JSON, checked by the server's schema (the error names the field). */
function NewCaptureRecipe() {
  const create = useCreateCaptureRecipe();
  const [text, setText] = useState(EXAMPLE);
  const [parseError, setParseError] = useState<string | null>(null);
  return (
    <form
      className="space-y-2"
      data-testid="new-capture-recipe"
      onSubmit={(event) => {
        event.preventDefault();
        let input: CaptureRecipeInput;
        try {
          input = JSON.parse(text) as CaptureRecipeInput;
        } catch (error) {
          setParseError(`Not JSON: ${(error as Error).message}`);
          return;
        }
        setParseError(null);
        create.mutate(input);
      }}
    >
      <label className="block text-sm">
        <span className="mb-1 block text-slate-600">New recipe (JSON: argv lists, run inside the container)</span>
        <textarea
          aria-label="New capture recipe"
          className="h-48 w-full rounded-md border border-slate-300 p-2 font-mono text-xs"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      {parseError ? <Banner tone="red">{parseError}</Banner> : null}
      {create.error ? <Banner tone="red">{create.error.message}</Banner> : null}
      <Button type="submit" disabled={create.isPending}>
        Add capture recipe
      </Button>
    </form>
  );
}
