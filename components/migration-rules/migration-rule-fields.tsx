"use client";
import type { ReactNode } from "react";
import { ACTION_KINDS, type DraftField, type RuleDraft } from "./migration-rule-model";

const input = "w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm disabled:bg-slate-50";

function Labelled({ label, error, className = "", children }: { label: string; error?: string; className?: string; children: ReactNode }) {
  return (
    <label className={`block ${className}`}>
      <span className="mb-0.5 block text-xs text-slate-600">{label}</span>
      {children}
      {error ? (
        <span className="mt-0.5 block text-xs text-red-700" data-testid="field-error">
          {error}
        </span>
      ) : null}
    </label>
  );
}

/** The fields of a migration rule; the action's fields follow the chosen kind. Shared by add and edit. */
export function MigrationRuleFields({
  draft,
  onChange,
  errors,
}: {
  draft: RuleDraft;
  onChange: (draft: RuleDraft) => void;
  errors: Partial<Record<DraftField, string>>;
}) {
  function text(field: Exclude<DraftField, "kind" | "enabled" | "where" | "when">, label: string, placeholder: string, className = "") {
    return (
      <Labelled label={label} error={errors[field]} className={className}>
        <input
          aria-label={label}
          aria-invalid={Boolean(errors[field])}
          className={`${input} ${field === "note" ? "" : "font-mono"} ${errors[field] ? "border-red-400" : ""}`}
          placeholder={placeholder}
          value={draft[field]}
          required={field !== "note" && field !== "replace" && field !== "value"}
          onChange={(event) => onChange({ ...draft, [field]: event.target.value })}
        />
      </Labelled>
    );
  }
  return (
    <div className="space-y-3">
      <div className="grid gap-3 md:grid-cols-[14rem_10rem_10rem_1fr]">
        {text("package", "Package", "samba")}
        {text("fromVersions", "From versions", "< 4")}
        {text("toVersions", "To versions", ">= 4")}
        {text("note", "Note", "why the data has to move", "")}
      </div>
      <div className="grid gap-3 md:grid-cols-[14rem_1fr_1fr_1fr]">
        <Labelled label="Action" error={errors.kind}>
          <select
            aria-label="Action"
            className={input}
            value={draft.kind}
            onChange={(event) => onChange({ ...draft, kind: event.target.value as RuleDraft["kind"] })}
          >
            {ACTION_KINDS.map((choice) => (
              <option key={choice.kind} value={choice.kind}>
                {choice.label}
              </option>
            ))}
          </select>
        </Labelled>
        {draft.kind === "move" ? (
          <>
            {text("from", "Move from", "/var/lib/samba/passdb.tdb")}
            {text("to", "Move to", "/var/lib/samba/private/passdb.tdb")}
          </>
        ) : draft.kind === "rename-key" ? (
          <>
            {text("file", "In file", "/etc/samba/smb.conf")}
            {text("from", "Key from", "old key")}
            {text("to", "Key to", "new key")}
          </>
        ) : draft.kind === "rewrite" ? (
          <>
            {text("file", "In file", "/etc/redis/redis.conf")}
            {text("match", "Lines matching", "bind * ::1")}
            {text("replace", "Become", "bind \\1 -::1")}
          </>
        ) : draft.kind === "set" ? (
          <>
            {text("file", "In file", "/etc/redis/redis.conf")}
            {text("key", "Key", "maxmemory")}
            {text("value", "Value", "64mb")}
          </>
        ) : draft.kind === "upgrade" ? (
          <>
            {text("data", "Data folder", "/var/lib/myservice")}
            <Labelled label="Runs" error={errors.when}>
              <select
                aria-label="Runs"
                className={input}
                value={draft.when}
                onChange={(event) => onChange({ ...draft, when: event.target.value === "first-start" ? "first-start" : "build" })}
              >
                <option value="build">in the build, without network</option>
                <option value="first-start">once, when the container first starts</option>
              </select>
            </Labelled>
          </>
        ) : (
          text("path", "Path to delete", "/var/cache/samba")
        )}
      </div>
      {draft.kind === "rewrite" ? (
        <p className="text-xs text-slate-600">
          A line pattern matches a whole line: <code>*</code> any text, <code>?</code> one character, <code>{"\\*"}</code>{" "}
          <code>{"\\?"}</code> <code>{"\\\\"}</code> literally. In the replacement, <code>{"\\1"}</code>…<code>{"\\9"}</code> are what the
          wildcards matched.
        </p>
      ) : null}
      {draft.kind === "upgrade" ? (
        <Labelled label="Shell lines (one per line, run as root with sh -e)" error={errors.run}>
          <textarea
            aria-label="Shell lines"
            aria-invalid={Boolean(errors.run)}
            className={`${input} h-24 font-mono ${errors.run ? "border-red-400" : ""}`}
            value={draft.run}
            placeholder={'myservice-upgrade --datadir "$KURA_DATA"'}
            onChange={(event) => onChange({ ...draft, run: event.target.value })}
          />
          <span className="text-xs text-slate-600">
            They see KURA_DATA, KURA_FROM_VERSION and KURA_TO_VERSION; their output goes to the build log.
          </span>
        </Labelled>
      ) : null}
      {draft.kind === "set" ? (
        <div className="grid gap-3 md:grid-cols-[14rem_14rem]">
          {text("separator", "Separator when added", " = ")}
          <Labelled label="If no line sets it, add it" error={errors.where}>
            <select
              aria-label="If no line sets it, add it"
              className={input}
              value={draft.where}
              onChange={(event) => onChange({ ...draft, where: event.target.value === "start" ? "start" : "end" })}
            >
              <option value="end">at the end</option>
              <option value="start">as the first line</option>
            </select>
          </Labelled>
        </div>
      ) : null}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={draft.enabled} onChange={(event) => onChange({ ...draft, enabled: event.target.checked })} />
        <span>Enabled</span>
      </label>
    </div>
  );
}
