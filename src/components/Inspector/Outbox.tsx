import type {ReactNode} from 'react';
import type {OutboxMessage} from './types';
import styles from './styles.module.css';

/** Mail and SMS the sandbox "sent" (SES, Cognito codes): nothing leaves the machine, it all lands here. */
export default function Outbox({messages}: {messages: OutboxMessage[]}): ReactNode {
  if (!messages.length) {
    return <p className={styles.empty}>No mail or SMS yet. What SES and Cognito send in the sandbox lands here instead of a real inbox.</p>;
  }
  return (
    <ol className={styles.outbox}>
      {[...messages].reverse().slice(0, 50).map((m) => (
        <li key={m.id} className={styles.message}>
          <p className={styles.messageHead}>
            <span aria-hidden="true">{m.channel === 'sms' ? '📱' : '✉️'}</span>{' '}
            <strong>{m.channel === 'sms' ? 'SMS' : 'Mail'}</strong> to {m.to.join(', ')}
            {m.from ? ` from ${m.from}` : ''} <span className={styles.muted}>({m.source}, {new Date(m.time).toLocaleTimeString(undefined, {hour12: false})})</span>
          </p>
          {m.subject && <p className={styles.subject}>{m.subject}</p>}
          {m.code && (
            <p>
              Code: <code className={styles.code}>{m.code}</code>
            </p>
          )}
          {m.text && <pre tabIndex={0}>{m.text}</pre>}
        </li>
      ))}
    </ol>
  );
}
