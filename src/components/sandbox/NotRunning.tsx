import type {ReactNode} from 'react';
import styles from './styles.module.css';

/**
 * Shown instead of the lab panel, the terminal and live progress when this
 * page was not served by the sandbox (a copy of the site hosted elsewhere, or
 * `docusaurus serve`).
 */
export default function NotRunning({what}: {what: string}): ReactNode {
  return (
    <div className={styles.notice} role="note">
      <p className={styles.noticeTitle}>
        <strong>{what} needs the awslings sandbox on your machine.</strong>
      </p>
      <ol>
        <li>
          In the course folder, once: <code>npm install</code>
        </li>
        <li>
          Then: <code>npm start</code>, and open the address it prints (
          <code>http://localhost:4580/</code> by default).
        </li>
      </ol>
      <p className={styles.noticeFoot}>
        Everything runs offline, on your machine: no AWS account, no Docker.
        Without the page, the same labs work from any terminal with{' '}
        <code>npx awslings check &lt;lab&gt;</code>.
      </p>
    </div>
  );
}
