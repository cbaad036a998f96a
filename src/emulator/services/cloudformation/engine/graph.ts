/**
 * Runs work over a dependency graph: each node starts once everything it depends on has finished,
 * independent nodes run at the same time. After a failure no new node starts; those running finish.
 */
export async function runGraph(
  nodes: string[],
  deps: (id: string) => string[],
  work: (id: string) => Promise<void>,
): Promise<{ failed: string[]; done: string[]; notStarted: string[] }> {
  const all = new Set(nodes);
  const done = new Set<string>();
  const started = new Set<string>();
  const failed: string[] = [];
  return new Promise((resolve) => {
    let running = 0;
    const finish = () => resolve({ failed, done: [...done], notStarted: nodes.filter((n) => !started.has(n)) });
    const pump = () => {
      if (!failed.length) {
        for (const id of nodes) {
          if (started.has(id)) continue;
          if (deps(id).every((d) => !all.has(d) || done.has(d))) {
            started.add(id);
            running++;
            work(id).then(
              () => {
                done.add(id);
                running--;
                pump();
              },
              () => {
                failed.push(id);
                running--;
                pump();
              },
            );
          }
        }
      }
      if (running === 0) finish();
    };
    pump();
  });
}

/** Finds a cycle, if any, and returns its members in order. */
export function findCycle(nodes: string[], deps: (id: string) => string[]): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 2) return undefined;
    if (state.get(n) === 1) return stack.slice(stack.indexOf(n));
    state.set(n, 1);
    stack.push(n);
    for (const d of deps(n)) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of nodes) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/** The reverse graph: for each node, the nodes that depend on it (deletion order). */
export function dependents(nodes: string[], deps: (id: string) => string[]): (id: string) => string[] {
  const map = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const n of nodes) for (const d of deps(n)) map.get(d)?.push(n);
  return (id) => map.get(id) ?? [];
}
