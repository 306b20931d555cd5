"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** A just-created token's value, shown this once, with a copy button. */
export function TokenSecret({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900"
      role="alert"
      data-testid="new-token"
    >
      <p>
        <strong>Copy the token &quot;{name}&quot; now.</strong> Kura keeps only a hash of it and cannot show it again; if it is lost, revoke
        it and make another. Scripts send it as <code className="font-mono">Authorization: Bearer …</code> and act with your role.
      </p>
      <div className="flex items-center gap-2">
        <input
          readOnly
          aria-label="New token value"
          data-testid="new-token-value"
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 py-1.5 font-mono text-xs text-slate-900"
          value={token}
          onFocus={(event) => event.currentTarget.select()}
        />
        <Button
          type="button"
          variant="secondary"
          onClick={() => {
            void navigator.clipboard
              ?.writeText(token)
              .then(() => setCopied(true))
              .catch(() => setCopied(false));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button type="button" variant="secondary" onClick={onDone}>
          I have copied it
        </Button>
      </div>
    </div>
  );
}
