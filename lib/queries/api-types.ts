import type * as archives from "@/lib/api/contract/archives";
import type * as audit from "@/lib/api/contract/audit";
import type * as auth from "@/lib/api/contract/auth";
import type * as changes from "@/lib/api/contract/changes";
import type * as containers from "@/lib/api/contract/containers";
import type * as engines from "@/lib/api/contract/engines";
import type { BodyInput, ResponseOf } from "@/lib/api/contract/entry";
import type * as jobs from "@/lib/api/contract/jobs";
import type * as migrationRules from "@/lib/api/contract/migration-rules";
import type * as overview from "@/lib/api/contract/overview";
import type * as rules from "@/lib/api/contract/rules";
import type * as tokens from "@/lib/api/contract/tokens";
import type * as users from "@/lib/api/contract/users";

// What the hooks send and receive, derived from the route contract's schemas: the API, its
// OpenAPI description and the UI read the same definitions.

export type EngineView = ResponseOf<typeof engines.getEngine>;
export type AddEngineInput = BodyInput<typeof engines.addEngine>;
export type EngineImage = ResponseOf<typeof engines.listEngineImages>[number];
export type ContainerRow = ResponseOf<typeof containers.listContainers>[number];
export type ContainerDetail = ResponseOf<typeof containers.getContainer>;
export type StoredSelection = ResponseOf<typeof containers.getSelection>;
export type SelectionInput = BodyInput<typeof containers.saveSelection>;
export type StartArchiveInput = BodyInput<typeof containers.startArchive>;
export type StartedArchive = ResponseOf<typeof containers.startArchive>;
export type DetectedChanges = ResponseOf<typeof changes.listChanges>;
export type RuleSet = ResponseOf<typeof rules.getRuleSet>;
export type CreateRuleSetInput = BodyInput<typeof rules.createRuleSet>;
export type RulePreview = ResponseOf<typeof rules.previewRuleSet>;
export type ArchiveSummary = ResponseOf<typeof archives.listArchives>[number];
export type ArchiveDetail = ResponseOf<typeof archives.getArchive>;
export type DeletedArchive = ResponseOf<typeof archives.deleteArchive>;
export type StartedJob = ResponseOf<typeof archives.verifyArchive>;
export type JobView = ResponseOf<typeof jobs.getJob>;
export type MigrationRule = ResponseOf<typeof migrationRules.updateMigrationRule>;
export type MigrationRuleInput = BodyInput<typeof migrationRules.createMigrationRule>;
export type UserView = ResponseOf<typeof users.updateUser>;
export type CreateUserInput = BodyInput<typeof users.createUser>;
export type UpdateUserInput = BodyInput<typeof users.updateUser>;
export type SignInInput = BodyInput<typeof auth.signIn>;
export type SignedIn = ResponseOf<typeof auth.signIn>;
export type SetupInput = BodyInput<typeof auth.completeSetup>;
export type ChangePasswordInput = BodyInput<typeof auth.changePassword>;
export type TokenView = ResponseOf<typeof tokens.revokeToken>;
export type CreatedToken = ResponseOf<typeof tokens.createToken>;
export type AuditPage = ResponseOf<typeof audit.listAudit>;
export type Overview = ResponseOf<typeof overview.getOverview>;
