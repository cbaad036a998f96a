import {useEffect, useState} from 'react';
import type {Progress} from './types';

/**
 * How the page reaches the sandbox server. The server puts
 * `window.__AWSLINGS_SANDBOX__` (with a token made at each start) into the
 * pages it serves; a copy of the site served any other way has none, and the
 * components then say how to start the sandbox instead of showing a broken
 * terminal. Every API call is same-origin and carries the token in a header.
 */

export interface SandboxConfig {
  token: string;
  api: number;
  terminal: string;
}

declare global {
  interface Window {
    __AWSLINGS_SANDBOX__?: SandboxConfig;
  }
}

export const TOKEN_HEADER = 'x-awslings-token';

export function sandboxConfig(): SandboxConfig | undefined {
  if (typeof window === 'undefined') return undefined;
  const c = window.__AWSLINGS_SANDBOX__;
  return c && typeof c.token === 'string' ? c : undefined;
}

/** Why a call failed: the server is gone, it was restarted (the page's token is old), or it answered an error. */
export class SandboxError extends Error {
  constructor(
    message: string,
    readonly kind: 'offline' | 'restarted' | 'http',
    readonly status?: number,
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const OFFLINE =
  'The sandbox server does not answer. Start it again with npm start (in the course folder), then reload this page.';
const RESTARTED =
  'The sandbox was restarted since this page was loaded. Reload the page to reconnect.';

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const cfg = sandboxConfig();
  if (!cfg) throw new SandboxError('This page was not served by the sandbox.', 'offline');
  const headers = new Headers(init.headers);
  headers.set(TOKEN_HEADER, cfg.token);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  let res: Response;
  try {
    res = await fetch(path, {...init, headers, credentials: 'omit', cache: 'no-store'});
  } catch {
    throw new SandboxError(OFFLINE, 'offline');
  }
  if (!res.ok) {
    let body: Record<string, unknown> = {};
    try {
      body = (await res.json()) as Record<string, unknown>;
    } catch {}
    if (res.status === 403 && body.refused === 'token') throw new SandboxError(RESTARTED, 'restarted', 403, body);
    throw new SandboxError(
      typeof body.error === 'string' ? body.error : `The sandbox answered ${res.status}.`,
      'http',
      res.status,
      body,
    );
  }
  return res;
}

export async function apiGet<T>(path: string): Promise<T> {
  return (await (await call(path)).json()) as T;
}

export async function apiSend<T>(
  path: string,
  body: unknown = {},
  method: 'POST' | 'PUT' = 'POST',
): Promise<T> {
  return (await (await call(path, {method, body: JSON.stringify(body)})).json()) as T;
}

/** A long run (deploy, check): the server streams one JSON event per line. */
export async function apiStream(
  path: string,
  body: unknown,
  onEvent: (event: Record<string, unknown>) => void,
): Promise<void> {
  const res = await call(path, {method: 'POST', body: JSON.stringify(body)});
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new SandboxError(OFFLINE, 'offline');
    }
    if (chunk.done) break;
    buffered += decoder.decode(chunk.value, {stream: true});
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) onEvent(JSON.parse(line) as Record<string, unknown>);
    }
  }
  if (buffered.trim()) onEvent(JSON.parse(buffered) as Record<string, unknown>);
}

/** 'static': no sandbox served this page; 'pending' until the first render in the browser. */
export type SandboxPresence = 'pending' | 'static' | 'present';

/** Whether the page came from the sandbox server; decided after hydration, so the static HTML and the first render agree. */
export function useSandboxPresence(): SandboxPresence {
  const [presence, setPresence] = useState<SandboxPresence>('pending');
  useEffect(() => setPresence(sandboxConfig() ? 'present' : 'static'), []);
  return presence;
}

const QUIZ_KEY = 'awslings.quizzes';

/** Quiz results kept in the browser, for a copy of the site without the sandbox. */
export function localQuizzes(): NonNullable<Progress['quizzes']> {
  try {
    return JSON.parse(localStorage.getItem(QUIZ_KEY) ?? '{}') as NonNullable<Progress['quizzes']>;
  } catch {
    return {};
  }
}

export function saveLocalQuiz(id: string, record: NonNullable<Progress['quizzes']>[string]): void {
  try {
    localStorage.setItem(QUIZ_KEY, JSON.stringify({...localQuizzes(), [id]: record}));
  } catch {}
}

/** The learner's progress from the sandbox (undefined while loading or without one), reloaded when `version` changes. */
export function useProgress(version = 0): {progress?: Progress; error?: SandboxError; presence: SandboxPresence} {
  const presence = useSandboxPresence();
  const [progress, setProgress] = useState<Progress>();
  const [error, setError] = useState<SandboxError>();
  useEffect(() => {
    if (presence !== 'present') return;
    let live = true;
    apiGet<Progress>('/api/progress')
      .then((p) => live && (setProgress(p), setError(undefined)))
      .catch((e: SandboxError) => live && setError(e));
    return () => {
      live = false;
    };
  }, [presence, version]);
  return {progress, error, presence};
}
