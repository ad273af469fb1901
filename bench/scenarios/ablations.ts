/** What each optimization buys: all on vs that one off, measured side by side (filled in as they land). */
export interface AblationContext {
  [k: string]: unknown;
}
export interface Ablation {
  name: string;
  expect: string;
  measure(ctx: never): Promise<{ metric: string; on: number; off: number; unit: string; ratio: number; raw: unknown }>;
}
export const ABLATIONS: Ablation[] = [];
