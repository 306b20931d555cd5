import { describe, expect, it } from "vitest";
import { uniqueName } from "@/e2e/fixtures/containers";
import { recordEvent } from "./record-event";
import { readAuditPage } from "./list-events";

// Paging through the audit log in the real database: pages neither skip nor repeat an event, even
// when events share a millisecond.

describe("audit pages", () => {
  it("walks every matching event once, newest first, a page at a time", async () => {
    const actor = uniqueName("pager");
    for (let index = 0; index < 7; index++) await recordEvent({ actor, action: "test.page", target: `item:${index}`, detail: { index } });
    const seen: string[] = [];
    let before: string | undefined;
    const sizes: number[] = [];
    for (;;) {
      const page = await readAuditPage({ actor, limit: 3, ...(before ? { before } : {}) });
      expect(page.total).toBe(7);
      sizes.push(page.events.length);
      seen.push(...page.events.map((event) => event.target));
      if (!page.nextBefore) break;
      before = page.nextBefore;
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(["item:6", "item:5", "item:4", "item:3", "item:2", "item:1", "item:0"]);
  });

  it("refuses a cursor that names no event", async () => {
    await expect(readAuditPage({ limit: 3, before: "nosuchevent" })).rejects.toMatchObject({ status: 404, code: "audit_event_not_found" });
  });
});
