import * as archives from "./archives";
import * as audit from "./audit";
import * as auth from "./auth";
import * as bundles from "./bundles";
import * as captures from "./captures";
import * as changes from "./changes";
import * as containers from "./containers";
import * as engines from "./engines";
import type { ContractEntry } from "./entry";
import * as health from "./health";
import * as jobs from "./jobs";
import * as migrationRules from "./migration-rules";
import * as openapi from "./openapi";
import * as overview from "./overview";
import * as restores from "./restores";
import * as rules from "./rules";
import * as tokens from "./tokens";
import * as users from "./users";

// The whole HTTP API: every operation's contract entry, by domain. Route files import their entry
// from the domain file; the OpenAPI document and the contract test walk this list.

const domains = {
  ...{ health, engines, containers, changes, rules, archives, bundles, restores, migrationRules, captures },
  ...{ jobs, auth, users, tokens, audit, overview, openapi },
};

const isEntry = (value: unknown): value is ContractEntry =>
  typeof value === "object" && value !== null && "method" in value && "path" in value && "access" in value && "status" in value;

/** Every operation, in the order of the domains above. */
export const contract: ContractEntry[] = Object.values(domains).flatMap((domain) => Object.values(domain).filter(isEntry));
