// What the CLI prints: one line per problem (`file:line:column: …`, as editors and CI annotations
// read them), one line per planned step, and a summary line. Pure.
import { formatProblem, type FileProblem } from '../services/alert-files.js';
import type { Plan, PlanStep } from '../services/alerts-as-code.js';

export function problemLines(problems: readonly FileProblem[], keyOf: (p: FileProblem) => string | null = () => null): string[] {
  return problems.map((p) => formatProblem(p, keyOf(p)));
}

const MARK: Record<PlanStep['kind'], string> = { create: '+', change: '~', delete: '-', unchanged: '=' };

/** One line per step that changes something, then `n unchanged`. */
export function planLines(plan: Plan, mode: 'diff' | 'apply'): string[] {
  const verb = (kind: PlanStep['kind']): string =>
    mode === 'diff' ? { create: 'create', change: 'change', delete: 'delete', unchanged: 'unchanged' }[kind] : { create: 'created', change: 'changed', delete: 'deleted', unchanged: 'unchanged' }[kind];
  const lines = plan.steps
    .filter((s) => s.kind !== 'unchanged')
    .sort((a, b) => order(a) - order(b) || a.key.localeCompare(b.key))
    .map((s) => {
      const what = `${MARK[s.kind]} ${s.key} (“${s.name}”) ${verb(s.kind)}`;
      switch (s.kind) {
        case 'create':
          return `${what} from ${s.file}`;
        case 'change':
          return `${what}: ${s.fields.join(', ')}`;
        case 'delete':
          return `${what}: no longer in ${s.alert.managedBy ?? 'its file'}`;
        default:
          return what;
      }
    });
  return [...lines, ...plan.warnings.map((w) => `warning: ${w}`)];
}

export function planSummary(plan: Plan, mode: 'diff' | 'apply', prune: boolean): string {
  const count = (kind: PlanStep['kind']) => plan.steps.filter((s) => s.kind === kind).length;
  const parts = [`${count('create')} to create`, `${count('change')} to change`, `${count('delete')} to delete`, `${count('unchanged')} unchanged`];
  const done = mode === 'apply' ? parts.map((p) => p.replace(/^(\d+) to (\w+)/, (_, n: string, v: string) => `${n} ${v === 'create' ? 'created' : v === 'change' ? 'changed' : 'deleted'}`)) : parts;
  const note = !prune && mode === 'diff' ? ' (without --prune nothing is deleted)' : '';
  return `${mode}: ${done.join(', ')}${note}`;
}

function order(step: PlanStep): number {
  return { create: 0, change: 1, delete: 2, unchanged: 3 }[step.kind];
}
