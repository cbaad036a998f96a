import type {ReactNode} from 'react';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';

export default function Progress(): ReactNode {
  return (
    <Layout
      title="Progress"
      description="Your lab results in awslings.">
      <main className="container margin-vert--xl">
        <h1>Progress</h1>
        <p>
          Progress tracking appears here when the sandbox is running. Start it
          with <code>npm start</code> and open the address it prints.
        </p>
        <p>
          In any terminal, <code>npx awslings list</code> shows every lab with
          its status and score.
        </p>
        <p>
          <Link to="/docs">Go to the course</Link>
        </p>
      </main>
    </Layout>
  );
}
