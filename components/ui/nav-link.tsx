"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/**
 * `activeFor` lists extra path patterns (regex source, as strings cross the server/client
 * boundary) that belong to this section: container pages live under /engines/….
 */
export function NavLink({
  href,
  children,
  activeFor = [],
  exact = false,
}: {
  href: string;
  children: ReactNode;
  activeFor?: string[];
  exact?: boolean;
}) {
  const pathname = usePathname();
  const active =
    pathname === href || (!exact && pathname.startsWith(`${href}/`)) || activeFor.some((pattern) => new RegExp(pattern).test(pathname));
  return (
    <Link
      href={href}
      className={`block rounded-md px-3 py-2 text-sm ${active ? "bg-slate-800 text-white" : "text-slate-300 hover:bg-slate-800/60 hover:text-white"}`}
      aria-current={active ? "page" : undefined}
    >
      {children}
    </Link>
  );
}
