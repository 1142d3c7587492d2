export interface BenchContext {
  quick: boolean;
  /** clients that loaded in this checkout, in table order */
  clients: string[];
  log(msg: string): void;
}

export interface BenchOutcome {
  id: string;
  title: string;
  /** one line, ending with the figure against the target */
  summary: string;
  /** section for RESULTS.md (without the heading) */
  markdown: string;
  data: unknown;
}

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
