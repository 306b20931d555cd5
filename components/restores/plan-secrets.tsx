/** The archived secrets this restore puts back: the service's identity (host keys, TLS keys, password stores). */
export function PlanSecrets({ paths }: { paths: string[] }) {
  if (!paths.length) return null;
  return (
    <details className="rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900" data-testid="plan-secrets">
      <summary className="cursor-pointer">
        {paths.length === 1 ? "One secret comes back" : `${paths.length} secrets come back`} with this restore (keys and password stores:
        the service&apos;s identity)
      </summary>
      <ul className="mt-1 list-disc pl-5 font-mono text-xs">
        {paths.map((path) => (
          <li key={path}>{path}</li>
        ))}
      </ul>
    </details>
  );
}
