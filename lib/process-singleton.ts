// One instance per server process, kept on globalThis: Next.js may evaluate a module more than once
// (hot reload in development; separate bundles such as instrumentation and route handlers), and a
// module-level `const` would then make a second Prisma client, Docker client map or job table.

/** The process's one value under `key`, made by `create` the first time it is asked for. */
export function processSingleton<T>(key: string, create: () => T): T {
  const slots = globalThis as unknown as Record<symbol, unknown>;
  const slot = Symbol.for(`kura.${key}`);
  if (!(slot in slots)) slots[slot] = create();
  return slots[slot] as T;
}
