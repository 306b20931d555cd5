"use client";
import { useLayoutEffect, useRef, useState } from "react";

// How close to the bottom (px) still counts as "at the end", so a rounding pixel does not stop following.
const AT_END_SLACK = 24;

/** The build log in a dark box that follows the tail, until the reader scrolls up to read. */
export function BuildLog({ log, running }: { log: string; running: boolean }) {
  const box = useRef<HTMLPreElement>(null);
  const [following, setFollowing] = useState(true);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && following) element.scrollTop = element.scrollHeight;
  }, [log, following]);

  return (
    <div className="relative">
      <pre
        ref={box}
        data-testid="build-log"
        aria-label="Build log"
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget;
          setFollowing(element.scrollHeight - element.scrollTop - element.clientHeight <= AT_END_SLACK);
        }}
        className="h-80 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-100"
      >
        {log || (running ? "Waiting for the build to start…" : "No build output was recorded.")}
      </pre>
      {!following ? (
        <button
          type="button"
          onClick={() => setFollowing(true)}
          className="absolute bottom-3 right-5 rounded-md bg-slate-700 px-2 py-1 text-xs text-white shadow hover:bg-slate-600"
        >
          ↓ Follow the end
        </button>
      ) : null}
    </div>
  );
}
