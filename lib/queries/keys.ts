import type { ContainerFilter } from "@/lib/containers/list-all-containers";
import type { AuditQuery } from "./audit-query";

type ChangesOptions = { ruleSet?: string; sinceMarker?: string; since?: string };

// Every react-query key in one place, so mutations invalidate exactly what they change.
export const queryKeys = {
  engines: () => ["engines"] as const,
  containers: (filter: ContainerFilter = {}) => ["containers", filter] as const,
  allContainers: () => ["containers"] as const,
  container: (engineId: string, containerRef: string) => ["container", engineId, containerRef] as const,
  changes: (engineId: string, containerRef: string, options: { ruleSet?: string; sinceMarker?: string; since?: string } = {}) =>
    ["changes", engineId, containerRef, options] as const,
  allChanges: (engineId: string, containerRef: string) => ["changes", engineId, containerRef] as const,
  changesSummary: (engineId: string, containerRef: string, options: ChangesOptions) =>
    ["changes", engineId, containerRef, "summary", options] as const,
  allChangeFolders: (engineId: string, containerRef: string) => ["changes", engineId, containerRef, "folder"] as const,
  changeFolder: (engineId: string, containerRef: string, options: ChangesOptions, filter: string, path: string, page: number) =>
    ["changes", engineId, containerRef, "folder", options, filter, path, page] as const,
  ruleSets: () => ["rule-sets"] as const,
  job: (jobId: string) => ["jobs", jobId] as const,
  archives: () => ["archives"] as const,
  archive: (id: string) => ["archives", id] as const,
  ruleSet: (id: string) => ["rule-sets", id] as const,
  rulePreview: (id: string, engineId: string, containerRef: string, rulesKey: string) =>
    ["rule-preview", id, engineId, containerRef, rulesKey] as const,
  restorePlan: (archiveId: string, engineId: string, baseImage: string) => ["restore-plan", archiveId, engineId, baseImage] as const,
  allRestorePlans: () => ["restore-plan"] as const,
  mergeConflicts: (archiveId: string, engineId: string, baseImage: string) => ["merge-conflicts", archiveId, engineId, baseImage] as const,
  restore: (id: string) => ["restores", id] as const,
  archiveRestores: (archiveId: string) => ["archives", archiveId, "restores"] as const,
  engineImages: (engineId: string) => ["engines", engineId, "images"] as const,
  migrationRules: () => ["migration-rules"] as const,
  captureRecipes: () => ["capture-recipes"] as const,
  capturePlan: (engineId: string, containerRef: string) => ["capture-plan", engineId, containerRef] as const,
  overview: () => ["overview"] as const,
  audit: (query: AuditQuery) => ["audit", query] as const,
  allAudit: () => ["audit"] as const,
  users: () => ["users"] as const,
  tokens: () => ["tokens"] as const,
};
