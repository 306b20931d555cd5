"use client";
import { useMemo } from "react";
import { highlightCode, type CodeLanguage } from "./highlight";

/** A read-only, highlighted code block (Dockerfile, restore script, unified diff). */
export function CodeView({ code, language, testId, label }: { code: string; language: CodeLanguage; testId?: string; label?: string }) {
  // highlight.js escapes the code, so its HTML is safe to insert.
  const html = useMemo(() => highlightCode(code, language), [code, language]);
  return (
    <pre
      aria-label={label}
      data-testid={testId}
      className="max-h-[32rem] overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs leading-5 text-slate-800"
    >
      <code className="code-hl block w-max min-w-full" dangerouslySetInnerHTML={{ __html: html }} />
    </pre>
  );
}
