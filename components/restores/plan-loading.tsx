"use client";
import { useEffect, useState } from "react";

/** The wait while the server asks a base image's repositories (10-30 s the first time). */
export function PlanLoading({ baseImage }: { baseImage: string | null }) {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setSeconds((elapsed) => elapsed + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div
      role="status"
      data-testid="restore-plan-loading"
      className="rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900"
    >
      <div className="flex items-center gap-2 font-medium">
        <span className="inline-block h-2 w-2 animate-pulse rounded-full bg-sky-600" aria-hidden />
        {`Checking ${baseImage ?? "the suggested base image"}'s repositories…`}
        <span className="font-normal tabular-nums text-sky-700">{seconds} s</span>
      </div>
      <p className="mt-1 text-xs text-sky-800">
        Kura asks the base image&apos;s package repositories which of the archived packages exist there and in which versions, then writes
        the Dockerfile. The first time for a base image this takes 10–30 seconds; after that the answer is remembered.
      </p>
    </div>
  );
}
