import { db } from "@/lib/db";

export type AuditInput = { actor: string; action: string; target: string; result?: "ok" | "failed"; detail?: Record<string, unknown> };

/** Append an audit event. Audit rows are never updated or deleted. */
export async function recordEvent(input: AuditInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      actor: input.actor,
      action: input.action,
      target: input.target,
      result: input.result ?? "ok",
      detail: JSON.stringify(input.detail ?? {}),
    },
  });
}
