"use client";
import { createTwoFilesPatch } from "diff";
import { useMemo } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Section } from "@/components/ui/section";
import { CodeView } from "./code-view";

/** A unified diff of the user's Dockerfile against the generated one, without the "====" banner line. */
export function dockerfileDiff(generated: string, edited: string): string {
  return createTwoFilesPatch("Dockerfile (generated)", "Dockerfile (edited)", generated, edited, undefined, undefined, {
    context: 3,
  }).replace(/^=+\n/, "");
}

/**
 * The Dockerfile the restore will build: highlighted, or a textarea while editing. Once the
 * text differs from the generated one, the diff and "Revert to generated" appear.
 */
export function DockerfilePanel({
  generated,
  text,
  editing,
  onEditingChange,
  onChange,
  onRevert,
}: {
  generated: string;
  text: string;
  editing: boolean;
  onEditingChange: (editing: boolean) => void;
  onChange: (text: string) => void;
  onRevert: () => void;
}) {
  const edited = text !== generated;
  const diff = useMemo(() => (edited ? dockerfileDiff(generated, text) : ""), [edited, generated, text]);
  return (
    <Section title="Dockerfile" testId="restore-dockerfile">
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={editing} onChange={(event) => onEditingChange(event.target.checked)} />
          <span>Edit Dockerfile</span>
        </label>
        {edited ? (
          <Badge tone="violet">edited: your version is built</Badge>
        ) : (
          <span className="text-xs text-slate-500">generated from the archive and the plan</span>
        )}
        {edited ? (
          <Button variant="secondary" className="ml-auto" onClick={onRevert}>
            Revert to generated
          </Button>
        ) : null}
      </div>
      {editing ? (
        <textarea
          data-testid="dockerfile-editor"
          aria-label="Dockerfile"
          spellCheck={false}
          className="block h-96 w-full resize-y rounded-md border border-slate-300 bg-white p-3 font-mono text-xs leading-5 focus:border-sky-500 focus:outline-none"
          value={text}
          onChange={(event) => onChange(event.target.value)}
        />
      ) : (
        <CodeView code={text} language="dockerfile" testId="dockerfile-view" label="Dockerfile" />
      )}
      {edited ? (
        <div className="mt-3">
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Your changes to the generated Dockerfile</h3>
          <CodeView code={diff} language="diff" testId="dockerfile-diff" label="Dockerfile changes" />
        </div>
      ) : null}
    </Section>
  );
}
