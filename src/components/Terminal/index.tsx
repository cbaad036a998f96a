import {lazy, Suspense, useEffect, useState, type ReactNode} from 'react';
import {useLocation} from '@docusaurus/router';
import NotRunning from '@site/src/components/sandbox/NotRunning';
import {useSandboxPresence} from '@site/src/components/sandbox/client';
import styles from './styles.module.css';

// xterm.js is loaded only when a terminal is opened: it is not part of the
// lesson page's JavaScript.
const XtermView = lazy(() => import('./XtermView'));

export interface TerminalProps {
  /** The lab whose workspace the shell starts in (workspace/<lab>). */
  lab?: string;
  /** Rows of text; the width follows the page. */
  rows?: number;
  /**
   * Tells apart terminals of the same lab on one page (each keeps its own shell across a reload).
   * The Lab panel's terminal is `lab`; a terminal placed in a lesson is `terminal` unless named.
   */
  name?: string;
}

/**
 * A shell on the learner's machine, in the page: the sandbox server runs it in
 * workspace/<lab>, with the AWS environment that reaches the sandbox.
 */
export default function Terminal({lab, rows = 18, name = 'terminal'}: TerminalProps): ReactNode {
  const presence = useSandboxPresence();
  // The key must be the same after a reload. React's useId is not: for components that mount
  // after hydration (the Lab panel renders its terminal once the lab has loaded) it counts mounts.
  const {pathname} = useLocation();
  const storageKey = `awslings.terminal:${pathname}:${lab ?? ''}:${name}`;
  const [open, setOpen] = useState(false);

  // A terminal that was open before a reload comes back, attached to the same shell.
  useEffect(() => {
    if (presence !== 'present') return;
    try {
      if (sessionStorage.getItem(storageKey)) setOpen(true);
    } catch {}
  }, [presence, storageKey]);

  if (presence === 'pending') return <div className={styles.placeholder} />;
  if (presence === 'static') return <NotRunning what="The terminal" />;
  if (!open) {
    return (
      <div className={styles.closed}>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => setOpen(true)}>
          Open a terminal{lab ? ` in workspace/${lab}` : ''}
        </button>
      </div>
    );
  }
  return (
    <Suspense
      fallback={
        <p className={styles.loading} role="status">
          Loading the terminal…
        </p>
      }>
      <XtermView
        lab={lab}
        rows={rows}
        storageKey={storageKey}
        onClose={() => setOpen(false)}
      />
    </Suspense>
  );
}
