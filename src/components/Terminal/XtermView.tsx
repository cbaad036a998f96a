import {useEffect, useRef, useState, type ReactNode} from 'react';
import {Terminal as XTerm} from '@xterm/xterm';
import {FitAddon} from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import {apiGet, sandboxConfig, SandboxError} from '@site/src/components/sandbox/client';
import styles from './styles.module.css';

type State = 'connecting' | 'connected' | 'reconnecting' | 'exited' | 'restarted' | 'failed';

const PROTOCOL = 'awslings-terminal.v1';

const LABEL: Record<State, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Connection lost: reconnecting…',
  exited: 'The shell ended',
  restarted: 'The sandbox was restarted: reload the page',
  failed: 'Not connected',
};

interface Props {
  lab?: string;
  rows: number;
  storageKey: string;
  onClose: () => void;
}

/**
 * xterm.js on a WebSocket to the sandbox server. Binary frames carry the
 * terminal's bytes both ways; text frames carry JSON control messages. When
 * the connection drops, it reconnects to the same shell (which waits for a
 * minute) and says so; a restarted sandbox needs a reload (new token).
 */
export default function XtermView({lab, rows, storageKey, onClose}: Props): ReactNode {
  const screen = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<State>('connecting');
  const [detail, setDetail] = useState('');
  const [generation, setGeneration] = useState(0);
  const ws = useRef<WebSocket | null>(null);

  useEffect(() => {
    const cfg = sandboxConfig();
    const el = screen.current;
    if (!cfg || !el) return;
    const term = new XTerm({
      rows,
      cursorBlink: true,
      convertEol: false,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 14,
      scrollback: 5000,
      // Programs pick their own colours (dark blue on black is common): keep them readable.
      minimumContrastRatio: 4.5,
      theme: {background: '#16191f', foreground: '#e6e6e6', cursor: '#ff9900'},
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    try {
      fit.fit();
    } catch {}
    const encoder = new TextEncoder();
    let disposed = false;
    let ended = false;
    let retry = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const send = (data: Uint8Array | string) => {
      const s = ws.current;
      if (s && s.readyState === WebSocket.OPEN) s.send(data);
    };

    const connect = () => {
      if (disposed) return;
      let session = '';
      try {
        session = sessionStorage.getItem(storageKey) ?? '';
      } catch {}
      const q = new URLSearchParams({cols: String(term.cols), rows: String(term.rows)});
      if (lab) q.set('lab', lab);
      if (session) q.set('session', session);
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const socket = new WebSocket(`${scheme}//${location.host}${cfg.terminal}?${q}`, [
        PROTOCOL,
        `token.${cfg.token}`,
      ]);
      socket.binaryType = 'arraybuffer';
      ws.current = socket;
      let opened = false;
      socket.onmessage = (ev) => {
        if (typeof ev.data !== 'string') {
          term.write(new Uint8Array(ev.data as ArrayBuffer));
          return;
        }
        const msg = JSON.parse(ev.data) as {type: string; session?: string; reattached?: boolean; cwd?: string; code?: number; message?: string};
        if (msg.type === 'ready') {
          opened = true;
          retry = 0;
          try {
            sessionStorage.setItem(storageKey, msg.session ?? '');
          } catch {}
          if (!msg.reattached) term.reset();
          setDetail(msg.cwd ?? '');
          setState('connected');
        } else if (msg.type === 'exit') {
          ended = true;
          try {
            sessionStorage.removeItem(storageKey);
          } catch {}
          term.write(`\r\n\x1b[36m[The shell ended with exit code ${msg.code ?? 0}.]\x1b[0m\r\n`);
          setState('exited');
        } else if (msg.type === 'error') {
          term.write(`\r\n\x1b[31m${msg.message ?? 'error'}\x1b[0m\r\n`);
          setDetail(msg.message ?? '');
        }
      };
      socket.onclose = () => {
        if (ws.current === socket) ws.current = null;
        if (disposed || ended) return;
        setState(opened ? 'reconnecting' : retry > 0 ? 'reconnecting' : 'connecting');
        // Ask the API why: a server that answers with "wrong token" was restarted, and a reload fixes it.
        apiGet('/api/session').then(
          () => schedule(),
          (e: SandboxError) => {
            if (e.kind === 'restarted') setState('restarted');
            else schedule();
          },
        );
      };
    };

    const schedule = () => {
      if (disposed) return;
      retry++;
      if (retry > 30) {
        setState('failed');
        return;
      }
      timer = setTimeout(connect, Math.min(5000, 300 * 2 ** Math.min(retry, 5)));
    };

    // Tab belongs to the shell (completion), so the keyboard needs another way out: Esc, then Tab
    // (or Shift+Tab) moves the focus to what follows (or precedes) the terminal.
    let escaped = false;
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown') return true;
      if (e.key === 'Tab' && escaped) {
        escaped = false;
        e.preventDefault();
        leave(e.shiftKey ? -1 : 1);
        return false;
      }
      escaped = e.key === 'Escape';
      return true;
    });
    const leave = (direction: 1 | -1) => {
      const frame = el.closest('[data-terminal-state]');
      const all = [...document.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), input:not([disabled]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')].filter(
        (n) => n.offsetParent !== null && !el.contains(n),
      );
      const inside = (n: HTMLElement) => !!frame && frame.contains(n);
      const before = all.filter((n) => !inside(n) && frame && n.compareDocumentPosition(frame) & Node.DOCUMENT_POSITION_FOLLOWING);
      const after = all.filter((n) => !inside(n) && frame && n.compareDocumentPosition(frame) & Node.DOCUMENT_POSITION_PRECEDING);
      const target = direction === 1 ? after[0] : before[before.length - 1];
      if (target) target.focus();
      else term.blur();
    };
    const onData = term.onData((d) => send(encoder.encode(d)));
    const onBinary = term.onBinary((d) => send(Uint8Array.from(d, (c) => c.charCodeAt(0) & 255)));
    const onResize = term.onResize(({cols, rows: r}) => send(JSON.stringify({type: 'resize', cols, rows: r})));
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {}
    });
    observer.observe(el);
    connect();
    term.focus();

    return () => {
      disposed = true;
      clearTimeout(timer);
      observer.disconnect();
      onData.dispose();
      onBinary.dispose();
      onResize.dispose();
      ws.current?.close(1000, 'closed by the page');
      ws.current = null;
      term.dispose();
    };
  }, [lab, rows, storageKey, generation]);

  const restart = () => {
    try {
      sessionStorage.removeItem(storageKey);
    } catch {}
    setState('connecting');
    setGeneration((g) => g + 1);
  };

  const close = () => {
    // Closing the panel ends the shell (a dropped connection would keep it for a while).
    ws.current?.send(JSON.stringify({type: 'close'}));
    try {
      sessionStorage.removeItem(storageKey);
    } catch {}
    onClose();
  };

  return (
    <div className={styles.frame} data-terminal-state={state}>
      <div className={styles.bar}>
        <span className={styles.status} role="status" aria-live="polite">
          <span className={styles.dot} data-state={state} aria-hidden="true" />
          {LABEL[state]}
          {state === 'connected' && detail ? ` · ${detail}` : ''}
        </span>
        {(state === 'exited' || state === 'failed') && (
          <button type="button" className={styles.barButton} onClick={restart}>
            {state === 'exited' ? 'New shell' : 'Try again'}
          </button>
        )}
        {state === 'restarted' && (
          <button type="button" className={styles.barButton} onClick={() => location.reload()}>
            Reload
          </button>
        )}
        <button type="button" className={styles.barButton} onClick={close}>
          Close terminal
        </button>
      </div>
      <div className={styles.screen} ref={screen} aria-label={`Terminal${lab ? ` in workspace/${lab}` : ''}`} aria-describedby={`${storageKey}-keys`} role="region" />
      <p className={styles.keys} id={`${storageKey}-keys`}>
        Esc then Tab leaves the terminal.
      </p>
    </div>
  );
}
