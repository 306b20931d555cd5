import type { ReactNode } from "react";

/** The centered card of the pages outside the dashboard (sign-in, setup). */
export function EntryCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm space-y-5">
        <div className="text-center">
          <div className="text-2xl font-semibold">Kura</div>
          <div className="text-xs text-slate-500">keep the data, rebuild the rest</div>
        </div>
        <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <div>
            <h1 className="text-lg font-semibold">{title}</h1>
            {subtitle ? <p className="mt-1 text-sm text-slate-600">{subtitle}</p> : null}
          </div>
          {children}
        </div>
      </div>
    </main>
  );
}
