// Who may do what. Pure.
//   viewer:   sees everything, changes nothing (the manager's role)
//   operator: also curates, archives, verifies, exports, imports and restores
//   admin:    also engines, users, rule sets, migration rules and deleting archives

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What a route needs: "public" routes (health, sign-in) need no one. */
export type Access = "public" | Role;

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** May someone with `role` do what needs `access`? */
export function allows(role: Role, access: Access): boolean {
  return access === "public" || RANK[role] >= RANK[access];
}
