import { Section } from "@/components/ui/section";
import type { RestorePlanView } from "@/lib/restores/types";

/** The archived debconf answers the build preseeds (debconf-set-selections) before it installs the packages. */
export function PlanDebconf({ answers }: { answers: RestorePlanView["debconf"] }) {
  if (!answers.length) return null;
  return (
    <Section title={`Package answers preseeded (${answers.length}, debconf)`} testId="restore-plan-debconf">
      <p className="mb-2 text-xs text-slate-500">
        What the packages were told when they were installed (debconf answers): set before <code>apt-get install</code>, so they are
        configured the same way. Passwords are never kept: the warnings say which to enter again.
      </p>
      <table className="w-full text-left text-xs">
        <thead className="text-slate-500">
          <tr>
            <th className="py-1 pr-3 font-medium">Package</th>
            <th className="py-1 pr-3 font-medium">Question</th>
            <th className="py-1 pr-3 font-medium">Type</th>
            <th className="py-1 font-medium">Answer</th>
          </tr>
        </thead>
        <tbody className="font-mono">
          {answers.map((answer) => (
            <tr key={answer.question} data-testid="plan-debconf-answer" className="border-t border-slate-100 align-top">
              <td className="py-1 pr-3">{answer.package}</td>
              <td className="py-1 pr-3 break-all">{answer.question}</td>
              <td className="py-1 pr-3">{answer.type}</td>
              <td className="py-1 break-all" title={answer.masked ? "Hidden from viewers: the question looks secret" : undefined}>
                {answer.value}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
