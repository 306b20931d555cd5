// Syntax highlighting for the read-only code views: highlight.js core with only the three
// languages a restore shows, so the bundle stays small. Colours live in app/globals.css.
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import diff from "highlight.js/lib/languages/diff";
import dockerfile from "highlight.js/lib/languages/dockerfile";

hljs.registerLanguage("bash", bash);
hljs.registerLanguage("diff", diff);
hljs.registerLanguage("dockerfile", dockerfile);

export type CodeLanguage = "dockerfile" | "bash" | "diff";

/** HTML with the code escaped and its tokens wrapped in `hljs-*` spans. */
export function highlightCode(code: string, language: CodeLanguage): string {
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
