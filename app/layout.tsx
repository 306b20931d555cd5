import type { Metadata } from "next";
import type { ReactNode } from "react";
import { NavLink } from "@/components/ui/nav-link";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = { title: "Kura", description: "Preserve retired services as their mutable data; bring them back on a newer OS." };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900">
        <Providers>
          <div className="flex min-h-screen">
            <nav className="w-52 shrink-0 bg-slate-900 px-3 py-5" aria-label="Main">
              <div className="mb-6 px-3">
                <div className="text-lg font-semibold text-white">Kura</div>
                <div className="text-xs text-slate-400">keep the data, rebuild the rest</div>
              </div>
              <div className="space-y-1">
                <NavLink href="/containers" activeFor={["^/engines/[^/]+/containers/"]}>
                  Containers
                </NavLink>
                <NavLink href="/archives">Archives</NavLink>
                <NavLink href="/rules">Rule sets</NavLink>
                <NavLink href="/migration-rules">Migration rules</NavLink>
                <NavLink href="/engines" exact>
                  Engines
                </NavLink>
              </div>
            </nav>
            <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
          </div>
        </Providers>
      </body>
    </html>
  );
}
