import {useEffect, useRef, useState, type KeyboardEvent, type ReactNode} from 'react';
import {apiGet, SandboxError} from '@site/src/components/sandbox/client';
import IamDecisions from './IamDecisions';
import LambdaTimeline from './LambdaTimeline';
import Outbox from './Outbox';
import Resources from './Resources';
import StackTimeline from './StackTimeline';
import type {Decision, LambdaFeed, OutboxMessage, ResourcesFeed, StacksFeed, Unavailable} from './types';
import styles from './styles.module.css';

type Tab = 'resources' | 'lambda' | 'iam' | 'stacks' | 'outbox';

const TABS: {id: Tab; label: string}[] = [
  {id: 'resources', label: 'Resources'},
  {id: 'lambda', label: 'Lambda invocations'},
  {id: 'iam', label: 'IAM decisions'},
  {id: 'stacks', label: 'CloudFormation'},
  {id: 'outbox', label: 'Mail and SMS'},
];

const POLL_MS = 2000;

type Feed = ResourcesFeed | LambdaFeed | {available: true; decisions: Decision[]} | StacksFeed | {available: true; messages: OutboxMessage[]} | Unavailable;

/**
 * A view into the sandbox for the lab's account: what exists, what ran, what
 * IAM decided, what stacks did, and what mail went out. The open tab refreshes
 * every 2 s while the page is visible, and after every lab action.
 */
export default function Inspector({lab, services, refresh}: {lab: string; services: string[]; refresh: number}): ReactNode {
  const [tab, setTab] = useState<Tab>(services.includes('lambda') ? 'lambda' : 'resources');
  const [feed, setFeed] = useState<{tab: Tab; data: Feed}>();
  const [error, setError] = useState<string>();
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const url =
      tab === 'resources'
        ? `/api/inspector/resources?${new URLSearchParams({lab, services: services.join(',')})}`
        : `/api/inspector/${tab}`;
    const poll = async () => {
      if (document.visibilityState === 'visible') {
        try {
          const data = await apiGet<Feed>(url);
          if (!live) return;
          setFeed({tab, data});
          setError(undefined);
        } catch (e) {
          if (!live) return;
          setError((e as SandboxError).message);
          if ((e as SandboxError).kind === 'restarted') return;
        }
      }
      if (live) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [tab, lab, services, refresh]);

  const onKey = (e: KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -2;
    if (next === -2) return;
    e.preventDefault();
    const j = (next + TABS.length) % TABS.length;
    setTab(TABS[j].id);
    tabs.current[j]?.focus();
  };

  const data = feed?.tab === tab ? feed.data : undefined;
  return (
    <div className={styles.inspector} data-inspector>
      <div role="tablist" aria-label="Sandbox inspector" className={styles.tabs}>
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`insp-${lab}-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`insp-${lab}-panel`}
            tabIndex={tab === t.id ? 0 : -1}
            className={styles.tab}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => onKey(e, i)}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`insp-${lab}-panel`} aria-labelledby={`insp-${lab}-${tab}`} className={styles.panel} data-panel={tab}>
        {error && (
          <p className={styles.empty} role="alert">
            {error}
          </p>
        )}
        {!data && !error && <p className={styles.empty}>Loading…</p>}
        {data && 'available' in data && data.available === false && <p className={styles.empty}>{data.reason}</p>}
        {data && tab === 'resources' && 'services' in data && <Resources feed={data} />}
        {data && tab === 'lambda' && 'available' in data && data.available && <LambdaTimeline feed={data as LambdaFeed} />}
        {data && tab === 'iam' && 'decisions' in data && <IamDecisions decisions={data.decisions} />}
        {data && tab === 'stacks' && 'stacks' in data && <StackTimeline feed={data} />}
        {data && tab === 'outbox' && 'messages' in data && <Outbox messages={data.messages} />}
      </div>
    </div>
  );
}
