import type { ReactNode } from "react";

export function Banner({ tone = "amber", children, testId }: { tone?: "amber" | "red" | "blue"; children: ReactNode; testId?: string }) {
  const styles = {
    amber: "border-amber-300 bg-amber-50 text-amber-900",
    red: "border-red-300 bg-red-50 text-red-900",
    blue: "border-sky-300 bg-sky-50 text-sky-900",
  }[tone];
  return (
    <div role="alert" data-testid={testId} className={`rounded-md border px-4 py-3 text-sm ${styles}`}>
      {children}
    </div>
  );
}
