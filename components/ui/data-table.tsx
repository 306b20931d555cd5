import type { ReactNode } from "react";

export type Column = { label?: ReactNode; className?: string; title?: string };

/** The bordered list table every list page uses; rows are the caller's <tr>s. */
export function DataTable({
  columns,
  children,
  cellPadding = "px-4 py-2",
}: {
  columns: Column[];
  children: ReactNode;
  cellPadding?: string;
}) {
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((column, index) => (
              <th key={index} className={`${cellPadding} ${column.className ?? ""}`} title={column.title}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
